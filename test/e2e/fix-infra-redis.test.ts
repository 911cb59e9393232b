import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneDatabaseKind } from '../support/databases.js';
import { PEOPLE, startFixFixture, type FixFixture } from './support/fix-from-card.js';

const GB = 1024 ** 3;
const HOUR = 3600;
const TITLE = /^Redis memory pressure: redis-idempotency$/;
const REDIS = 'redis-idempotency';

/**
 * Playbook scenario 7 (Redis OOM) from its card: the redis-memory-pressure scenario fills Redis to
 * 93.3% with 24 h idempotency keys; Shorten key TTL (a confirmation) halves the TTL, Flush old
 * keys (an approval) deletes the keys older than it and the insight clears. Raise maxmemory, the
 * other approval, is pressed in test/e2e/fix-infra-approval.test.ts.
 */
describe.each(oneDatabaseKind())('Redis memory pressure, fixed from its card on %s', (kind) => {
  let fx: FixFixture;
  beforeAll(async () => {
    fx = await startFixFixture(kind, 'redis-memory-pressure');
  });
  afterAll(async () => fx?.close());

  const redis = () => fx.object('redis', REDIS);

  it('offers the playbook steps, the TTL behind a confirmation; a viewer may neither shorten nor ask for a flush', async () => {
    const card = await fx.card(TITLE);
    expect(card.card.actions.map((a) => a.label)).toEqual(['Shorten key TTL', 'Flush old keys', 'Raise maxmemory', 'Acknowledge', 'Dismiss']);
    expect(card.card.actions[0]!.confirm?.text).toMatch(/^Halve the idempotency-key TTL of redis-idempotency \(the playbook: 24 h → 12 h\)\?/);
    const refused = await fx.press(PEOPLE.viewer, card, 'shorten_key_ttl', REDIS);
    expect(refused.reply.text).toMatch(/^Shortening the idempotency-key TTL needs the responder role/);
    const asked = await fx.press(PEOPLE.viewer, card, 'flush_expired_keys', REDIS);
    expect(asked.reply.text).toMatch(/^Asking for this needs the responder role/);
    expect((await fx.audit('shorten_key_ttl')).map((r) => [r.actor, r.target, r.outcome])).toEqual([['console:nina', 'redis:redis-idempotency', 'refused']]);
    expect((await fx.audit('flush_expired_keys')).map((r) => [r.actor, r.target, r.outcome])).toEqual([['console:nina', 'redis:redis-idempotency', 'refused']]);
    expect(await redis()).toMatchObject({ keyTtlSeconds: 24 * HOUR, maxBytes: 6 * GB });
  });

  it('a responder shortens the TTL after the confirmation: 24 h → 12 h, nothing freed yet, so the card stays', async () => {
    const card = await fx.card(TITLE);
    await fx.press(PEOPLE.responder, card, 'shorten_key_ttl', REDIS);
    const after = await fx.cardSays(
      card,
      /✅ Shorten key TTL redis-idempotency by James at \d\d:\d\d UTC: idempotency-key TTL of redis-idempotency shortened from 24 h to 12 h \(memory 5\.6 GB of 6 GB \(93\.3%\); keys older than 12 h stay until flushed\)/,
    );
    expect(after.card.state).toBe('open');
    expect(await redis()).toMatchObject({ keyTtlSeconds: 12 * HOUR, oldestKeySeconds: 24 * HOUR });
    expect((await fx.audit('shorten_key_ttl')).slice(1).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:james', 'started'],
      ['console:james', 'succeeded'],
    ]);
  });

  it("pressed again, the platform refuses to go under the playbook's 12 h: the card says so with ❌, nothing changed", async () => {
    const card = await fx.card(TITLE);
    await fx.press(PEOPLE.otherResponder, card, 'shorten_key_ttl', REDIS);
    await fx.cardSays(card, /❌ Shorten key TTL redis-idempotency by Mike at \d\d:\d\d UTC.*the idempotency-key TTL of redis-idempotency is already 12 h/);
    expect((await redis())?.keyTtlSeconds).toBe(12 * HOUR);
    expect((await fx.audit('shorten_key_ttl')).slice(3).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:mike', 'started'],
      ['console:mike', 'failed'],
    ]);
  });

  it('then a flush, approved by an approver, frees the keys older than 12 h and the insight clears', async () => {
    const card = await fx.card(TITLE);
    const asked = await fx.press(PEOPLE.responder, card, 'flush_expired_keys', REDIS);
    expect(asked.reply.text).toMatch(/needs an approver: approval #\d+; the card you pressed shows it/);
    const pending = await fx.cardSays(card, /🕒 A request to flush old idempotency keys from Redis redis-idempotency, asked for by James at \d\d:\d\d UTC, is waiting for an approver/);
    expect(pending.card.actions.map((a) => a.label)).toEqual(expect.arrayContaining(['Approve', 'Deny']));
    await fx.press(PEOPLE.otherApprover, pending, 'approve_action', REDIS);
    const done = await fx.cardSays(
      card,
      /✅ Alex approved a request to flush old idempotency keys from Redis redis-idempotency at \d\d:\d\d UTC: 2\.6 GB of idempotency keys older than 12 h flushed from redis-idempotency \(memory now 3 GB of 6 GB \(50%\)\)/,
    );
    expect((await redis())?.usedBytes).toBeCloseTo(3 * GB, -1);
    // The instance's new memory report reached the intake, and the condition cleared.
    await fx.cardSays(done, /✅ Resolved at/);
    expect((await fx.audit('flush_expired_keys')).slice(1).map((r) => [r.actor, r.outcome])).toEqual([['console:james', 'requested']]);
    expect((await fx.audit('approve_action')).map((r) => [r.actor, r.target, r.outcome])).toEqual([['console:alex', expect.stringMatching(/^approval:\d+$/), 'approved']]);
  });
});
