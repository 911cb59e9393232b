import type { z } from 'zod';
import type { RedisInstance } from '../../operations/infra.js';
import type { PlatformError } from '../../port.js';
import { ok, type Result } from '../../../result.js';
import { fail, guard, simEvent } from '../context.js';
import { changeObject } from '../objects.js';
import type { Handlers } from './handler.js';
import { REDIS, RedisState } from './infra-events.js';

type RedisOps = 'shortenKeyTtl' | 'flushExpiredKeys' | 'raiseRedisMemory';
type State = z.output<typeof RedisState>;

const HOUR = 3600;
/** The idempotency TTL before the playbook's fix (scenario 7: "Reduce from 24h to 12h"), when no report says it. */
const SEED_TTL_SECONDS = 24 * HOUR;
/** The playbook's fixed TTL: halving by default stops there, so a second press does not go on to 6 h. */
const PLAYBOOK_TTL_SECONDS = 12 * HOUR;
/**
 * A key must outlive the retries it deduplicates: below an hour a retried signal would find its
 * key gone and be processed twice, the very failure scenario 7 is about.
 */
const MIN_TTL_SECONDS = HOUR;

const ttlOf = (s: State): number => s.keyTtlSeconds ?? SEED_TTL_SECONDS;
/** Keys stored before a shortening keep the TTL they were written with, so the oldest is that old. */
const oldestOf = (s: State): number => Math.max(s.oldestKeySeconds ?? ttlOf(s), ttlOf(s));
const percentOf = (used: number, max: number): number => Math.round((used / max) * 1000) / 10;

export const redisView = (instance: string, s: State): RedisInstance => ({
  instance,
  usedBytes: s.usedBytes,
  maxBytes: s.maxBytes,
  usedPercent: percentOf(s.usedBytes, s.maxBytes),
  keyTtlSeconds: ttlOf(s),
  oldestKeySeconds: oldestOf(s),
});

const hours = (seconds: number): string => (seconds % HOUR === 0 ? `${seconds / HOUR} h` : `${Math.round(seconds / 60)} min`);
const gb = (bytes: number): string => `${Number((bytes / 1024 ** 3).toFixed(1))} GB`;

/**
 * The simulator's side of the Redis operations of src/platform/operations/infra.ts. Each change
 * is followed by the memory report a real instance would send next (redis.memory), so the
 * insight sees the new figures and clears once usage is back under its threshold.
 */
export const redisRemedies: Handlers<RedisOps> = (ctx) => {
  /** Changes the instance under its lock, then reports it; answers the state after with `extra`. */
  const change = <T>(instance: string, what: string, step: (s: State) => Result<{ next: State; extra: T }, PlatformError>) =>
    guard(what, async () => {
      const at = ctx.now();
      let extra: T | undefined;
      const changed = await changeObject(ctx.database.db, at, { kind: REDIS, id: instance, schema: RedisState }, (current) => {
        if (!current) return fail('not_found', `no memory report with used and max bytes is known for Redis ${instance}`);
        const stepped = step(current);
        if (!stepped.ok) return stepped;
        extra = stepped.value.extra;
        return ok(stepped.value.next);
      });
      if (!changed.ok) return changed;
      const after = changed.value.after;
      await ctx.publish([simEvent('redis.memory', report(instance, after), at)]);
      return ok({ redis: redisView(instance, after), ...(extra as T) });
    });

  return {
    shortenKeyTtl: (instance, body) =>
      change(instance, `shorten the key TTL of Redis ${instance}`, (s) => {
        const ttl = ttlOf(s);
        const next = body.ttlSeconds ?? Math.max(Math.round(ttl / 2), Math.min(ttl, PLAYBOOK_TTL_SECONDS));
        if (next >= ttl) return fail('invalid_state', `the idempotency-key TTL of ${instance} is already ${hours(ttl)}; ${hours(next)} would not shorten it`);
        if (next < MIN_TTL_SECONDS) return fail('invalid_state', `a TTL of ${hours(next)} is under ${hours(MIN_TTL_SECONDS)}: retried signals would outlive their idempotency keys and be processed twice`);
        return ok({ next: { ...s, keyTtlSeconds: next, oldestKeySeconds: oldestOf(s) }, extra: { previousTtlSeconds: ttl } });
      }),

    flushExpiredKeys: (instance) =>
      change(instance, `flush old idempotency keys of Redis ${instance}`, (s) => {
        const ttl = ttlOf(s);
        const oldest = oldestOf(s);
        if (oldest <= ttl) return fail('invalid_state', `no idempotency keys on ${instance} are older than its ${hours(ttl)} TTL: shorten the TTL first`);
        // Keys are written steadily, so their ages spread evenly up to the oldest.
        const keys = s.idempotencyKeyBytes ?? s.usedBytes;
        const freed = Math.round((keys * (oldest - ttl)) / oldest);
        const next: State = { ...s, usedBytes: s.usedBytes - freed, idempotencyKeyBytes: keys - freed, oldestKeySeconds: ttl, evictedKeys: 0, evictedIdempotencyKeys: 0 };
        return ok({ next, extra: { freedBytes: freed } });
      }),

    raiseRedisMemory: (instance, body) =>
      change(instance, `raise the memory limit of Redis ${instance}`, (s) => {
        const next = body.maxBytes ?? s.maxBytes * 2;
        if (next <= s.maxBytes) return fail('invalid_state', `maxmemory of ${instance} is already ${gb(s.maxBytes)}; ${gb(next)} would not raise it`);
        // With room to spare, Redis stops evicting: the next report counts none.
        return ok({ next: { ...s, maxBytes: next, evictedKeys: 0, evictedIdempotencyKeys: 0 }, extra: { previousMaxBytes: s.maxBytes } });
      }),
  };
};

/** The instance's memory report (src/events/vocabulary.ts redis.memory, with the settings it folds). */
function report(instance: string, s: State) {
  return {
    instance,
    usedPercent: percentOf(s.usedBytes, s.maxBytes),
    usedBytes: s.usedBytes,
    maxBytes: s.maxBytes,
    keyTtlSeconds: ttlOf(s),
    ...(s.idempotencyKeyBytes !== undefined ? { idempotencyKeyBytes: s.idempotencyKeyBytes } : {}),
    evictedKeys: s.evictedKeys ?? 0,
    evictedIdempotencyKeys: s.evictedIdempotencyKeys ?? 0,
  };
}
