import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from '../../src/db/schema/events.js';
import { eventually, outboxSettled } from '../chat/support/drive.js';
import { oneDatabaseKind } from '../support/databases.js';
import { TEST_TOKEN } from '../support/triage.js';
import { PEOPLE, startFixFixture, type FixFixture } from './support/fix-from-card.js';

const SUITE = 'production-traces';
const TITLE = /^Trace replay regression: production-traces$/;

/**
 * Playbook scenario 6 from its card: the trace-replay-regression scenario drops the suite to 96%
 * after commit a1b2c3d changed intent resolution. The card offers the playbook's two branches,
 * each through an approval: a breaking change is reverted (the suite replays at 100% and the card
 * clears), and when the next change regresses on purpose, its new output becomes the fixture.
 */
describe.each(oneDatabaseKind())('trace replay regression, fixed from its card on %s', (kind) => {
  let fx: FixFixture;
  beforeAll(async () => {
    fx = await startFixFixture(kind, 'trace-replay-regression');
  });
  afterAll(async () => fx?.close());

  const suite = () => fx.object('trace_suite', SUITE);
  const replaysAfter = async (detail: string) =>
    (await fx.triage.testDatabase.db.select({ n: sql<number>`count(*)::int` }).from(events).where(and(eq(events.type, 'trace.replay'), sql`${events.attributes}->>'detail' = ${detail}`)))[0]!.n;

  it('offers both branches, the revert naming the commit; a viewer may ask for neither', async () => {
    const card = await fx.card(TITLE);
    expect(card.card.actions.map((a) => a.label)).toEqual(['Revert a1b2c3d', 'Refresh fixture', 'Acknowledge', 'Dismiss']);
    for (const action of ['revert_change', 'refresh_trace_fixture']) {
      const refused = await fx.press(PEOPLE.viewer, card, action, SUITE);
      expect(refused.reply.text).toMatch(/^Asking for this needs the responder role/);
      expect((await fx.audit(action)).map((r) => [r.actor, r.target, r.outcome])).toEqual([['console:nina', `suite:${SUITE}`, 'refused']]);
    }
    expect(await suite()).toMatchObject({ passRate: 0.96, commit: 'a1b2c3d', failingTraces: ['trace-12345'], goodCommit: '9f8e7d6' });
  });

  it('a responder asks for the revert, an approver approves: a1b2c3d is reverted once, the suite passes and the card clears', async () => {
    const card = await fx.card(TITLE);
    const asked = await fx.press(PEOPLE.responder, card, 'revert_change', SUITE);
    expect(asked.reply.text).toMatch(/^Reverting a change is irreversible, so it needs an approver: approval #\d+; the card you pressed shows it/);
    const pending = await fx.cardSays(card, /🕒 A request to revert the change behind trace suite production-traces, asked for by James at \d\d:\d\d UTC, is waiting for an approver/);
    expect(await suite()).toMatchObject({ commit: 'a1b2c3d' });
    await fx.press(PEOPLE.approver, pending, 'approve_action', SUITE);
    const done = await fx.cardSays(
      card,
      /✅ Elena approved a request to revert the change behind trace suite production-traces at \d\d:\d\d UTC: commit a1b2c3d reverted by [0-9a-f]{7}: production-traces replays at 100% again \(trace-12345 pass again\)/,
    );
    const after = await suite();
    expect(after).toMatchObject({ passRate: 1, failingTraces: [] });
    expect(after?.commit).toMatch(/^[0-9a-f]{7}$/);
    expect(after?.goodCommit).toBe(after?.commit);
    // The suite's next replay reached the intake once, and the condition cleared.
    await fx.cardSays(done, /✅ Resolved at/);
    expect(await replaysAfter('replayed after reverting a1b2c3d')).toBe(1);
    expect((await fx.audit('revert_change')).slice(1).map((r) => [r.actor, r.outcome])).toEqual([['console:james', 'requested']]);
    expect((await fx.audit('approve_action')).map((r) => [r.actor, r.outcome])).toEqual([['console:elena', 'approved']]);
  });

  it('an intended change: the fixture refresh needs a second approver (two-person rule), then the suite passes at that commit', async () => {
    await postReplay(fx, { suite: SUITE, passRate: 0.96, baselinePassRate: 1, commit: 'e5f6a7b', failingTraces: ['trace-12346'], detail: 'Trace replay mismatch' });
    const card = await fx.card(TITLE);
    // A new episode, a new card: the first card's decided Revert is not drawn on it, and Revert is offered again.
    expect(card.card.actions.map((a) => a.label)).toEqual(['Revert e5f6a7b', 'Refresh fixture', 'Acknowledge', 'Dismiss']);
    expect(card.card.text).not.toMatch(/Elena approved/);
    await fx.press(PEOPLE.approver, card, 'refresh_trace_fixture', SUITE);
    const pending = await fx.cardSays(card, /🕒 A request to refresh the fixture of trace suite production-traces, asked for by Elena at \d\d:\d\d UTC, is waiting for an approver/);
    const own = await fx.press(PEOPLE.approver, pending, 'approve_action', SUITE);
    expect(own.reply.text).toMatch(/asked for this yourself, and the two-person rule needs a different approver/);
    expect(await suite()).toMatchObject({ passRate: 0.96, commit: 'e5f6a7b' });
    await fx.press(PEOPLE.otherApprover, pending, 'approve_action', SUITE);
    const done = await fx.cardSays(
      card,
      /✅ Alex approved a request to refresh the fixture of trace suite production-traces at \d\d:\d\d UTC: fixture refreshed for trace-12346: production-traces replays at 100% at e5f6a7b/,
    );
    expect(await suite()).toMatchObject({ passRate: 1, commit: 'e5f6a7b', goodCommit: 'e5f6a7b', failingTraces: [] });
    await fx.cardSays(done, /✅ Resolved at/);
    expect(await replaysAfter('fixtures refreshed: trace-12346')).toBe(1);
    expect((await fx.audit('refresh_trace_fixture')).slice(1).map((r) => [r.actor, r.outcome])).toEqual([['console:elena', 'requested']]);
    expect((await fx.audit('approve_action')).slice(1).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:elena', 'refused'],
      ['console:alex', 'approved'],
    ]);
  });
});

/** CI reports another replay through the intake, as the platform would, and its card settles. */
async function postReplay(fx: FixFixture, attributes: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${fx.triage.url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events: [{ id: `replay-${Date.now()}`, type: 'trace.replay', source: 'ci', occurredAt: new Date().toISOString(), attributes }] }),
  });
  expect(res.status).toBe(202);
  await fx.triage.writer.drain();
  await fx.triage.evaluator.idle();
  await eventually(outboxSettled(fx.triage.outbox), 15_000);
}
