import { z } from 'zod';
import type { EventKinds } from '../apply-events.js';
import { patchObjects } from '../objects.js';

/** An agent's context as its latest usage report says, for compactContext (./infra.ts). */
export const AGENT_CONTEXT = 'agent_context';

/** A Redis instance (playbook scenario 7), for the Redis operations (./infra-redis.ts). */
export const REDIS = 'redis';
/**
 * What the simulator knows of an instance: its memory report's figures (redis.memory carries the
 * bytes and settings beside the percentage the insight reads) and what the operations changed.
 * Without used and max bytes nothing can be computed, so the object reads as absent.
 */
export const RedisState = z.object({
  usedBytes: z.number().nonnegative(),
  maxBytes: z.number().positive(),
  keyTtlSeconds: z.number().positive().optional(),
  /** Set by a TTL shortening: keys stored before it keep the TTL they were written with. */
  oldestKeySeconds: z.number().positive().optional(),
  idempotencyKeyBytes: z.number().nonnegative().optional(),
  evictedKeys: z.number().nonnegative().optional(),
  evictedIdempotencyKeys: z.number().nonnegative().optional(),
});
/** The fields of a memory report the object keeps, each only when the report states it. */
const RedisReport = RedisState.omit({ oldestKeySeconds: true }).partial();

/** A work queue's depths (queue.depth of kind task and dead_letter), for ./infra-queues.ts. */
export const QUEUE = 'queue';
export const QueueState = z.object({ depth: z.number().int().nonnegative().optional(), deadLetters: z.number().int().nonnegative().optional() });

/** Only what the event states, so a report without the bytes keeps the ones known before. */
function stated(report: Record<string, unknown>): Record<string, unknown> {
  const parsed = RedisReport.safeParse(report);
  if (!parsed.success) return {};
  return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
}

/** Events folded into the objects the infra operations change (see ../apply-events.ts). */
export const infraRemedyEvents: EventKinds = {
  'context.usage': {
    key: (a) => `${AGENT_CONTEXT}:${a.agent}`,
    merge: (_prev, next) => next,
    apply: (items) => patchObjects(AGENT_CONTEXT, items.map(({ a, at }) => ({ id: a.agent, patch: { usedTokens: a.usedTokens, windowTokens: a.windowTokens }, at }))),
  },
  'redis.memory': {
    key: (a) => `${REDIS}:${a.instance}`,
    // Patches: a later report keeps what it leaves out from the earlier one.
    merge: (prev, next) => ({ a: { ...prev.a, ...next.a }, at: next.at }),
    apply: (items) => patchObjects(REDIS, items.map(({ a, at }) => ({ id: a.instance, patch: stated(a), at }))),
  },
  // One key per queue for both kinds: one statement must not upsert the same object twice. Not
  // merged: a task depth and a dead-letter depth are different fields of it.
  'queue.depth': {
    key: (a) => `${QUEUE}:${a.queue}`,
    apply: (items) => patchObjects(QUEUE, items.map(({ a, at }) => ({ id: a.queue, patch: a.kind === 'task' ? { depth: a.depth } : { deadLetters: a.depth }, at }))),
  },
};
