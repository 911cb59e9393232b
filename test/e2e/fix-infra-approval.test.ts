import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneDatabaseKind } from '../support/databases.js';
import { PEOPLE, startFixFixture, type FixFixture } from './support/fix-from-card.js';

const GB = 1024 ** 3;
const TITLE = /^Redis memory pressure: redis-idempotency$/;
const REDIS = 'redis-idempotency';

/**
 * The generic approval path of a recovery action (src/actions/approval-desk.ts requestGated, the
 * approval kind 'recovery_action', src/approvals/execute.ts), through Redis memory pressure's two
 * approval-gated buttons: who may ask, who may decide, the two-person rule, a platform refusal
 * after an approval, and an approved action carried out exactly once.
 */
describe.each(oneDatabaseKind())('an approval-gated recovery action from its card on %s', (kind) => {
  let fx: FixFixture;
  beforeAll(async () => {
    fx = await startFixFixture(kind, 'redis-memory-pressure');
  });
  afterAll(async () => fx?.close());

  const redis = () => fx.object('redis', REDIS);
  const decisions = async (approval: string) => (await fx.audit('approve_action')).filter((r) => r.target === `approval:${approval}`).map((r) => [r.actor, r.outcome]);

  it("two-person rule: an approver who asked cannot approve it herself; another's Approve runs it, and the platform's refusal ends the line in ❌ with its reason", async () => {
    const card = await fx.card(TITLE);
    const asked = await fx.press(PEOPLE.approver, card, 'flush_expired_keys', REDIS);
    const id = /approval #(\d+)/.exec(asked.reply.text)![1]!;
    const pending = await fx.cardSays(card, /🕒 A request to flush old idempotency keys from Redis redis-idempotency, asked for by Elena/);
    const own = await fx.press(PEOPLE.approver, pending, 'approve_action', REDIS);
    expect(own.reply.text).toMatch(/^You \(Elena\) asked for this yourself, and the two-person rule needs a different approver/);
    await fx.press(PEOPLE.otherApprover, pending, 'approve_action', REDIS);
    // The TTL was never shortened, so no key is old enough: the approval went through, the platform said no.
    await fx.cardSays(card, /❌ Alex approved a request to flush old idempotency keys from Redis redis-idempotency at \d\d:\d\d UTC, but the platform refused: no idempotency keys on redis-idempotency are older than its 24 h TTL: shorten the TTL first/);
    expect((await redis())?.usedBytes).toBe(Math.round(5.6 * GB));
    expect((await fx.audit('flush_expired_keys')).map((r) => [r.actor, r.outcome, r.detail])).toEqual([['console:elena', 'requested', `approval #${id}`]]);
    expect(await decisions(id)).toEqual([
      ['console:elena', 'refused'],
      ['console:alex', 'failed'],
    ]);
  });

  it('a responder asks: pending on the card with Approve and Deny; neither he, another responder nor a viewer can approve; an approver does, once', async () => {
    const card = await fx.card(TITLE);
    const asked = await fx.press(PEOPLE.responder, card, 'raise_redis_memory', REDIS);
    expect(asked.reply.text).toMatch(/needs an approver: approval #\d+; the card you pressed shows it, with Approve and Deny for an approver/);
    const id = /approval #(\d+)/.exec(asked.reply.text)![1]!;
    const pending = await fx.cardSays(card, /🕒 A request to raise the memory limit of Redis redis-idempotency, asked for by James at \d\d:\d\d UTC, is waiting for an approver/);
    expect(pending.card.actions.map((a) => a.label)).toEqual(expect.arrayContaining(['Approve', 'Deny']));
    // The button that asked is not offered twice while its approval waits.
    expect(pending.card.actions.map((a) => a.label)).not.toContain('Raise maxmemory');

    for (const who of [PEOPLE.responder, PEOPLE.otherResponder, PEOPLE.viewer]) {
      const refused = await fx.press(who, pending, 'approve_action', REDIS);
      expect(refused.reply.text).toMatch(/^Approving a recovery action needs the approver role/);
    }
    expect((await redis())?.maxBytes).toBe(6 * GB);

    const approved = await fx.press(PEOPLE.otherApprover, pending, 'approve_action', REDIS);
    expect(approved.reply.text).toMatch(/^Approved: maxmemory of redis-idempotency raised from 6 GB to 12 GB/);
    const done = await fx.cardSays(card, /✅ Alex approved a request to raise the memory limit of Redis redis-idempotency at \d\d:\d\d UTC: maxmemory of redis-idempotency raised from 6 GB to 12 GB \(memory now 5\.6 GB of 12 GB \(46\.7%\)\) \(approval #\d+\)/);
    expect(done.card.actions.map((a) => a.label)).not.toContain('Approve');

    // The console no longer offers Approve; Slack delivers a click from a message drawn before the
    // decision, so press that one through the core, as Slack's adapter would. It is told who
    // decided, and nothing runs again.
    const stale = pending.card.actions.find((a) => a.label === 'Approve')!;
    const late = { reply: await fx.triage.interactions.click({ actionId: stale.id, actor: { platform: 'console', userId: PEOPLE.approver, name: 'Elena' }, message: { platform: 'console', channel: pending.channel, messageId: pending.id } }) };
    expect(late.reply.text).toMatch(/^Already approved by Alex at \d\d:\d\d UTC · maxmemory of redis-idempotency raised from 6 GB to 12 GB.*Your click changed nothing\.$/);
    expect((await redis())?.maxBytes).toBe(12 * GB);
    // Redis reported its new limit, and the insight cleared.
    await fx.cardSays(done, /✅ Resolved at/);

    expect((await fx.audit('raise_redis_memory')).map((r) => [r.actor, r.outcome])).toEqual([['console:james', 'requested']]);
    expect(await decisions(id)).toEqual([
      ['console:james', 'refused'],
      ['console:mike', 'refused'],
      ['console:nina', 'refused'],
      ['console:alex', 'approved'],
      ['console:elena', 'refused'],
    ]);
  });
});
