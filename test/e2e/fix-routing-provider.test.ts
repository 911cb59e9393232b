import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneDatabaseKind } from '../support/databases.js';
import { PEOPLE, startFixFixture, type FixFixture } from './support/fix-from-card.js';

/**
 * Team-X: OpenAI degraded during the cascading failure; ticket #63's failover (primary OpenAI,
 * backup Anthropic) from its card, then "switch back when the primary is healthy" from the card
 * the catalog raises once OpenAI reports healthy while its work still goes to Anthropic.
 */
describe.each(oneDatabaseKind())('provider degraded, failed over and back from its cards on %s', (kind) => {
  let fx: FixFixture;
  beforeAll(async () => {
    fx = await startFixFixture(kind, 'cascading-failure');
  }, 120_000);
  afterAll(async () => fx?.close());

  const routing = () => fx.object('provider_routing', 'openai');
  const reportHealth = async (id: string, attributes: Record<string, unknown>) => {
    const sent = await fx.triage.post('/v1/events', { events: [{ id, type: 'provider.health', source: 'team-x', occurredAt: new Date().toISOString(), attributes }] });
    expect(sent.status).toBe(202);
    await fx.triage.writer.drain();
    await fx.triage.evaluator.idle();
  };

  it('a viewer may not fail over; the refusal is audited and nothing is routed', async () => {
    const card = await fx.card(/^Provider openai degraded$/);
    expect(card.card.actions.find((a) => a.label === 'Fail over new work')?.confirm?.text).toMatch(/the seed's backup, Anthropic/);
    const refused = await fx.press(PEOPLE.viewer, card, 'failover_provider', 'openai');
    expect(refused.reply).toMatchObject({ visibility: 'private', text: expect.stringMatching(/^Routing new work away from a provider needs the responder role/) });
    expect(await fx.audit('failover_provider')).toEqual([expect.objectContaining({ actor: 'console:nina', target: 'provider:openai', outcome: 'refused' })]);
    expect(await routing()).toBeUndefined();
  });

  it("a responder fails over: new work goes to Anthropic, the card says so and offers no second failover", async () => {
    const card = await fx.card(/^Provider openai degraded$/);
    await fx.press(PEOPLE.responder, card, 'failover_provider', 'openai');
    const after = await fx.cardSays(card, /✅ Failover provider openai by James at \d\d:\d\d UTC: new work of openai goes to anthropic \(work already running stays; a card offers to switch back once openai is healthy\)/);
    expect(await routing()).toMatchObject({ routedTo: 'anthropic' });
    const updated = await fx.cardSays(after, /New work goes to anthropic/);
    expect(updated.card.fields).toContainEqual({ label: 'New work', value: expect.stringMatching(/^routed to anthropic since /) });
    expect(updated.card.actions.map((a) => a.label)).not.toContain('Fail over new work');
    expect((await fx.audit('failover_provider')).slice(1).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:james', 'started'],
      ['console:james', 'succeeded'],
    ]);
  });

  it('once OpenAI reports healthy, a card asks to switch back; a viewer may not, a responder does and it clears', async () => {
    await reportHealth('openai-healthy', { provider: 'openai', latencyMs: 900, errorRate: 0.004, status: 'connected' });
    // The degraded card (live until this report) clears; fx.card would wait for a live one.
    const degraded = await fx.api.find((m) => m.threadOf === null && /^Provider openai degraded$/.test(m.card.title), { as: PEOPLE.responder });
    await fx.cardSays(degraded!, /✅ Resolved at/);
    const card = await fx.card(/^Provider openai healthy again: switch back$/);
    expect(card.card.text).toMatch(/^Provider openai is healthy again; its new work still goes to anthropic \(since /);
    expect(card.card.actions.find((a) => a.label === 'Switch back to openai')?.confirm?.text).toBe('Route new work back to openai? Work already running on anthropic finishes there.');
    const refused = await fx.press(PEOPLE.viewer, card, 'restore_provider', 'openai');
    expect(refused.reply.text).toMatch(/^Routing work back to a provider needs the responder role/);
    await fx.press(PEOPLE.otherResponder, card, 'restore_provider', 'openai');
    const after = await fx.cardSays(card, /✅ Restore provider openai by Mike at \d\d:\d\d UTC: new work goes to openai again \(it had gone to anthropic\)/);
    expect(await routing()).toMatchObject({ routedTo: null });
    await fx.cardSays(after, /✅ Resolved at/);
    expect((await fx.audit('restore_provider')).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:nina', 'refused'],
      ['console:mike', 'started'],
      ['console:mike', 'succeeded'],
    ]);
  });

  it('a failover the platform refuses ends the card in ❌ with its reason: OpenAI is healthy now', async () => {
    // The degraded card is resolved; its button is gone. A stale degraded report brings it back...
    await reportHealth('openai-slow-again', { provider: 'openai', latencyMs: 7_000, errorRate: 0.02, status: 'connected' });
    // The reopened card reaches the channel through the outbox: wait for the live one.
    const card = await fx.card(/^Provider openai degraded$/);
    // ...while the platform's own view (status connected) says there is nothing to fail over from.
    await fx.press(PEOPLE.responder, card, 'failover_provider', 'openai');
    await fx.cardSays(card, /❌ Failover provider openai by James at \d\d:\d\d UTC failed: provider openai is healthy \(connected, 7000 ms, 2% errors\): nothing to fail over from \(nothing was changed\)/);
    expect(await routing()).toMatchObject({ routedTo: null });
    expect((await fx.audit('failover_provider')).slice(-2).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:james', 'started'],
      ['console:james', 'failed'],
    ]);
  });
});
