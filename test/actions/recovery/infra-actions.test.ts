import { describe, expect, it } from 'vitest';
import type { RecoveryDeps } from '../../../src/actions/recovery/action.js';
import { findRecoveryAction } from '../../../src/actions/recovery/index.js';
import type { Platform, PlatformError } from '../../../src/platform/port.js';
import { err, ok } from '../../../src/result.js';

const GB = 1024 ** 3;
const call = { idempotencyKey: 'triage-action-infra-1' };

/** Deps whose platform answers every operation with `answer`, recording what was sent. */
function deps(answer: unknown) {
  const sent: Array<[string, string, unknown, unknown]> = [];
  const platform = { perform: async (name: string, id: string, body: unknown, c: unknown) => (sent.push([name, id, body, c]), answer) } as unknown as Platform;
  return { sent, deps: { platform, now: Date.now, heartbeatTimeoutMs: 5_000 } satisfies RecoveryDeps };
}
const run = (action: string, answer: unknown, targetId = 'x') => {
  const d = deps(answer);
  return findRecoveryAction(action)!.run(d.deps, { targetId, params: { reason: 'from the card' }, call }).then((result) => ({ result, sent: d.sent }));
};

/**
 * The infra group's actions from Triage's side (src/actions/recovery/infra/): each sends its one
 * operation with no body (the platform applies the seed's default) under the request's key, and
 * words the answer for the card; a refusal becomes ❌ with the platform's reason, an answer that
 * could not be read a ⚠️.
 */
describe('the infra recovery actions', () => {
  const redis = { instance: 'redis-idempotency', usedBytes: Math.round(5.6 * GB), maxBytes: 12 * GB, usedPercent: 46.7, keyTtlSeconds: 43_200, oldestKeySeconds: 43_200 };

  it('send one operation each, with an empty body and the request key, to the button target', async () => {
    const cases: Array<[string, string, unknown]> = [
      ['shorten_key_ttl', 'shortenKeyTtl', { redis, previousTtlSeconds: 86_400 }],
      ['flush_expired_keys', 'flushExpiredKeys', { redis, freedBytes: 2 * GB }],
      ['raise_redis_memory', 'raiseRedisMemory', { redis, previousMaxBytes: 6 * GB }],
      ['replay_dead_letters', 'replayDeadLetters', { queue: { queue: 'q', depth: 1, deadLetters: 0 }, replayed: 1 }],
      ['add_worker', 'addWorker', { queue: { queue: 'q', depth: 1, deadLetters: 0 }, worker: { id: 'worker-004', status: 'healthy', lastHeartbeatAt: null }, claimed: 1 }],
      ['raise_mcp_pool', 'raiseMcpPool', { server: { id: 'db', transport: 'http', status: 'healthy', poolSize: 20, poolInUse: 4 }, previousSize: 5 }],
    ];
    for (const [action, operation, answer] of cases) {
      const { result, sent } = await run(action, ok(answer), 'target-1');
      expect(result.ok, action).toBe(true);
      expect(sent).toEqual([[operation, 'target-1', {}, call]]);
    }
  });

  it('word what the platform answered', async () => {
    expect((await run('raise_redis_memory', ok({ redis, previousMaxBytes: 6 * GB }))).result).toEqual(
      ok({ text: 'maxmemory of redis-idempotency raised from 6 GB to 12 GB ✅ (memory now 5.6 GB of 12 GB (46.7%))' }),
    );
    expect((await run('replay_dead_letters', ok({ queue: { queue: 'routine-work', depth: 8, deadLetters: 0 }, replayed: 1 }))).result).toEqual(
      ok({ text: '1 dead letter of routine-work replayed onto its task queue ✅ (dead-letter queue empty; 8 tasks queued)' }),
    );
  });

  it('end in ❌ with the platform reason, Retry only for an outage, and ⚠️ when the answer could not be read', async () => {
    const refusal: PlatformError = { code: 'invalid_state', message: 'the dead-letter queue of q is empty: nothing to replay' };
    expect((await run('replay_dead_letters', err(refusal))).result).toEqual(
      err({ code: 'invalid_state', text: 'the dead-letter queue of q is empty: nothing to replay (nothing was changed) ❌', retryable: false }),
    );
    const down = (await run('add_worker', err({ code: 'unavailable', message: 'platform down' }))).result;
    expect(!down.ok && down.error.retryable).toBe(true);
    expect((await run('raise_mcp_pool', err({ code: 'unconfirmed', message: 'answer unreadable' }), 'database-query')).result).toEqual(
      ok({ text: 'pool of database-query raised ⚠️ (answer unreadable)' }),
    );
  });
});
