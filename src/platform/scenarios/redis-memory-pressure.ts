import { min, SECOND, timeline, type Scenario } from './timeline.js';

/** Playbook scenario 7: idempotency keys with a 24 h TTL fill Redis until it evicts them. */
const NAME = 'redis-memory-pressure';
const INSTANCE = 'redis-idempotency';
const GB = 1024 ** 3;
const MAX = 6 * GB;

/** The playbook's root cause: idempotency keys kept 24 h ("IDEMPOTENCY_TTL", reduced to 12 h in the fix). */
const TTL_SECONDS = 24 * 3600;
/** What the instance holds besides idempotency keys; the keys are the rest, and what grows. */
const OTHER_GB = 0.4;

const sample = (usedGb: number, evictedKeys: number, evictedIdempotencyKeys: number) => ({
  instance: INSTANCE,
  usedPercent: Math.round(((usedGb * GB) / MAX) * 1000) / 10,
  usedBytes: Math.round(usedGb * GB),
  maxBytes: MAX,
  keyTtlSeconds: TTL_SECONDS,
  idempotencyKeyBytes: Math.round((usedGb - OTHER_GB) * GB),
  evictedKeys,
  evictedIdempotencyKeys,
});

export const redisMemoryPressure: Scenario = {
  name: NAME,
  title: 'Redis memory usage > 90%, idempotency keys evicted',
  description: 'Redis climbs from 4.3G to 5.6G of 6G; it starts evicting idempotency keys early and duplicate signals get processed.',
  build(start) {
    const t = timeline(NAME, start, 'cortex');
    t.at(0).emit(min(40), 'redis.memory', sample(4.3, 0, 0));
    t.emit(min(25), 'redis.memory', sample(4.9, 0, 0));
    t.at(1 * SECOND).emit(min(12), 'redis.memory', sample(5.2, 0, 0));
    t.at(2 * SECOND).emit(min(6), 'redis.memory', sample(5.5, 310, 120));
    t.at(3 * SECOND).emit(min(2), 'redis.memory', sample(5.6, 1840, 1240));
    t.emit(min(1), 'probe.result', { probe: 'duplicate-signals', ok: false, detail: '37 duplicate signals processed in the last 5 minutes' });
    return t.events();
  },
};
