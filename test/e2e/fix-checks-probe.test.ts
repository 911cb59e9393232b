import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneDatabaseKind } from '../support/databases.js';
import { PEOPLE, startFixFixture, type FixFixture } from './support/fix-from-card.js';

const KNOWN_ANSWER = 'known-answer:research-agent';
const QUALITY = 'quality:research-agent';

/**
 * Self-healing research, layered health checks: the probe-failing scenario has the research agent
 * alive and ready (L1, L2) while its known-answer probe (L3) timed out during OpenAI's slow spell
 * and its quality score (L4) fell after a prompt change. Re-run probe has the platform run the
 * probe now: the L3 probe answers "4" again (OpenAI is back) and its card clears; the L4 one still
 * fails, and its card says so with the probe's own answer and offers Retry.
 */
describe.each(oneDatabaseKind())('probe failing, re-run from its card on %s', (kind) => {
  let fx: FixFixture;
  beforeAll(async () => {
    fx = await startFixFixture(kind, 'probe-failing');
  });
  afterAll(async () => fx?.close());

  it('raises one card per failing probe and none for liveness or readiness, which pass', async () => {
    const titles = (await fx.api.messages(PEOPLE.responder)).filter((m) => m.threadOf === null).map((m) => m.card.title);
    expect(titles).toEqual(expect.arrayContaining([`Probe failing: ${KNOWN_ANSWER}`, `Probe failing: ${QUALITY}`]));
    expect(titles.filter((t) => /liveness|readiness|Provider/.test(t))).toEqual([]);
    const card = await fx.card(new RegExp(`^Probe failing: ${KNOWN_ANSWER}$`));
    expect(card.card.fields).toEqual(expect.arrayContaining([{ label: 'Layer', value: 'L3' }, { label: 'Asked', value: 'What is 2 + 2?' }, { label: 'Expected', value: '4' }]));
  });

  it('refuses a viewer, with the role it needs, and audits the refusal; the probe does not run', async () => {
    const card = await fx.card(new RegExp(`^Probe failing: ${KNOWN_ANSWER}$`));
    const before = await fx.object('probe', KNOWN_ANSWER);
    const refused = await fx.press(PEOPLE.viewer, card, 'rerun_probe', KNOWN_ANSWER);
    expect(refused.reply).toMatchObject({ visibility: 'private', text: expect.stringMatching(/^Re-running a probe needs the responder role/) });
    expect(await fx.audit('rerun_probe')).toEqual([expect.objectContaining({ actor: 'console:nina', target: `probe:${KNOWN_ANSWER}`, outcome: 'refused' })]);
    expect(await fx.object('probe', KNOWN_ANSWER)).toEqual(before);
  });

  it('a probe whose cause persists fails again: ❌ with its answer, Retry offered, the card stays open', async () => {
    const card = await fx.card(new RegExp(`^Probe failing: ${QUALITY}$`));
    const pressed = await fx.press(PEOPLE.responder, card, 'rerun_probe', QUALITY);
    expect(pressed.reply.visibility).toBe('private');
    const after = await fx.cardSays(card, /❌ Rerun probe quality:research-agent by James at \d\d:\d\d UTC failed: probe quality:research-agent still failing \(degraded\): semantic score 0\.62/);
    expect(after.card.actions.map((a) => a.label)).toContain('Retry');
    expect(after.card.text).not.toMatch(/Resolved/);
    expect(await fx.object('probe', QUALITY)).toMatchObject({ ok: false, status: 'degraded', lastRunAt: expect.any(String) });
    const rows = (await fx.audit('rerun_probe')).filter((r) => r.target === `probe:${QUALITY}`);
    expect(rows.map((r) => [r.actor, r.outcome])).toEqual([
      ['console:james', 'started'],
      ['console:james', 'failed'],
    ]);
    expect(rows[1]!.detail).toMatch(/still failing \(degraded\)/);
  });

  it('a probe whose provider recovered passes: ✅ with the expected answer, and the insight clears', async () => {
    const card = await fx.card(new RegExp(`^Probe failing: ${KNOWN_ANSWER}$`));
    await fx.press(PEOPLE.otherResponder, card, 'rerun_probe', KNOWN_ANSWER);
    const after = await fx.cardSays(card, /✅ Rerun probe known-answer:research-agent by Mike at \d\d:\d\d UTC: probe known-answer:research-agent passed: asked "What is 2 \+ 2\?", answered "4", expected "4"/);
    expect(await fx.object('probe', KNOWN_ANSWER)).toMatchObject({ ok: true, status: 'ok', output: '4' });
    // The platform reported the run like any other (probe.result), and the condition cleared.
    await fx.cardSays(after, /✅ Resolved at/);
    const rows = (await fx.audit('rerun_probe')).filter((r) => r.target === `probe:${KNOWN_ANSWER}`);
    expect(rows.map((r) => [r.actor, r.outcome])).toEqual([
      ['console:nina', 'refused'],
      ['console:mike', 'started'],
      ['console:mike', 'succeeded'],
    ]);
  });
});
