import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneDatabaseKind } from '../support/databases.js';
import { PEOPLE, startFixFixture, type FixFixture } from './support/fix-from-card.js';

/**
 * Self-healing research, retry storms: the retry-storm scenario floods anthropic:/v1/messages at
 * 15× baseline, routine daily-code-review retrying hardest, breaker anthropic-messages closed.
 * The card names both throttles, one button each: pausing the routine takes its calls off the
 * endpoint and the storm clears; when it storms again, opening the breaker makes every caller
 * fail fast, and the breaker's own card takes over (Reset once the endpoint recovers).
 */
describe.each(oneDatabaseKind())('retry storm, fixed from its card on %s', (kind) => {
  let fx: FixFixture;
  const TITLE = /^Retry storm: anthropic:\/v1\/messages$/;
  beforeAll(async () => {
    fx = await startFixFixture(kind, 'retry-storm');
  }, 120_000);
  afterAll(async () => fx?.close());

  const routine = async () => {
    const routines = await fx.triage.platform.listRoutines();
    return routines.ok ? routines.value.find((r) => r.id === 'daily-code-review') : undefined;
  };
  const breaker = async () => {
    const breakers = await fx.triage.platform.listBreakers();
    return breakers.ok ? breakers.value.find((b) => b.id === 'anthropic-messages') : undefined;
  };

  it('names the storming routine and the breaker; a viewer may press neither, and the refusal is audited', async () => {
    const card = await fx.card(TITLE);
    expect(card.card.fields).toEqual(
      expect.arrayContaining([
        { label: 'Storming routine', value: 'daily-code-review (700 calls/min)' },
        { label: 'Guarded by', value: 'circuit breaker anthropic-messages (closed)' },
      ]),
    );
    expect(card.card.actions.find((a) => a.label === 'Pause routine daily-code-review')?.confirm?.text).toMatch(/makes no runs until someone resumes it/);
    expect(card.card.actions.find((a) => a.label === 'Open breaker anthropic-messages')?.confirm?.text).toMatch(/fails fast/);
    const refused = await fx.press(PEOPLE.viewer, card, 'pause_routine', 'daily-code-review');
    expect(refused.reply).toMatchObject({ visibility: 'private', text: expect.stringMatching(/^Pausing a routine needs the responder role/) });
    const refusedOpen = await fx.press(PEOPLE.viewer, card, 'open_breaker', 'anthropic-messages');
    expect(refusedOpen.reply.text).toMatch(/^Opening a circuit breaker needs the responder role/);
    expect(await fx.audit('pause_routine')).toEqual([expect.objectContaining({ actor: 'console:nina', target: 'routine:daily-code-review', outcome: 'refused' })]);
    expect(await fx.audit('open_breaker')).toEqual([expect.objectContaining({ actor: 'console:nina', target: 'breaker:anthropic-messages', outcome: 'refused' })]);
    expect(await routine()).toMatchObject({ status: 'active' });
    expect(await breaker()).toMatchObject({ state: 'closed' });
  });

  it('a responder pauses the routine: its calls leave the endpoint, the card says so, and the storm clears', async () => {
    const card = await fx.card(TITLE);
    await fx.press(PEOPLE.responder, card, 'pause_routine', 'daily-code-review');
    const after = await fx.cardSays(card, /✅ Pause routine daily-code-review by James at \d\d:\d\d UTC: routine daily-code-review paused \(anthropic:\/v1\/messages down to 210 calls\/min \(3\.5× baseline\); resume it once its retries back off with jitter\)/);
    expect(await routine()).toMatchObject({ status: 'paused', pausedReason: expect.stringMatching(/from console by James after the confirmation$/) });
    await fx.cardSays(after, /✅ Resolved at/);
    expect((await fx.audit('pause_routine')).slice(1).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:james', 'started'],
      ['console:james', 'succeeded'],
    ]);
  });

  it('when it storms again, the paused routine offers no button and a responder opens the breaker: callers fail fast and it is open on the platform', async () => {
    // The storm comes back (the story's replay would be older than the calmer sample the pause sent).
    const storm = { endpoint: 'anthropic:/v1/messages', callsPerMinute: 910, baselinePerMinute: 60, routine: 'daily-code-review', routineCallsPerMinute: 700, breaker: 'anthropic-messages' };
    const sent = await fx.triage.post('/v1/events', { events: [{ id: 'storm-again', type: 'endpoint.calls', source: 'agent-fleet', occurredAt: new Date().toISOString(), attributes: storm }] });
    expect(sent.status).toBe(202);
    await fx.triage.writer.drain();
    await fx.triage.evaluator.idle();
    const card = await fx.cardSays(await fx.card(TITLE), /^(?![\s\S]*Resolved at)/);
    expect(card.card.fields).toContainEqual({ label: 'Storming routine', value: 'daily-code-review (700 calls/min), paused' });
    expect(card.card.actions.map((a) => a.label)).not.toContain('Pause routine daily-code-review');
    await fx.press(PEOPLE.otherResponder, card, 'open_breaker', 'anthropic-messages');
    await fx.cardSays(card, /✅ Open breaker anthropic-messages by Mike at \d\d:\d\d UTC: circuit breaker anthropic-messages opened \(anthropic:\/v1\/messages down to 0 calls\/min; reset it once the endpoint recovers\)/);
    expect(await breaker()).toMatchObject({ state: 'open' });
    await fx.cardSays(card, /✅ Resolved at/);
    // The breaker's own card now offers what closes it again.
    const open = await fx.card(/^Circuit breaker open: anthropic-messages$/);
    expect(open.card.actions.map((a) => a.label)).toContain('Reset breaker');
    expect((await fx.audit('open_breaker')).slice(1).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:mike', 'started'],
      ['console:mike', 'succeeded'],
    ]);
  });
});
