import { z } from 'zod';
import { McpServer, Worker } from '../port.js';
import { defineOperations } from './spec.js';

/** An agent's context window, as a compaction leaves it. */
export const AgentContext = z.object({
  agent: z.string(),
  usedTokens: z.number(),
  windowTokens: z.number(),
  /** What the compaction freed; 0 when there was nothing to compact. */
  freedTokens: z.number(),
});
export type AgentContext = z.infer<typeof AgentContext>;

/** A Redis instance of the platform as its memory report and settings describe it (playbook scenario 7). */
export const RedisInstance = z.object({
  instance: z.string(),
  usedBytes: z.number(),
  maxBytes: z.number(),
  usedPercent: z.number(),
  /** The TTL new idempotency keys get. */
  keyTtlSeconds: z.number(),
  /** The age of the oldest idempotency keys still stored: above the TTL until they are flushed. */
  oldestKeySeconds: z.number(),
});
export type RedisInstance = z.infer<typeof RedisInstance>;

/** A work queue of the platform: its task queue and its dead-letter queue (self-healing research). */
export const WorkQueue = z.object({ queue: z.string(), depth: z.number(), deadLetters: z.number() });
export type WorkQueue = z.infer<typeof WorkQueue>;

/**
 * How much raiseMcpPool grows a pool when the body names no size: the seed story's fix ("Increase
 * connection pool from 5 to 20"), four-fold. The pool-filling card quotes it in its confirmation.
 */
export const MCP_POOL_RAISE_FACTOR = 4;

/** See ./index.ts. */
export const infraOperations = defineOperations({
  /**
   * Context window high (self-healing research, "context management"): summarise earlier turns,
   * keeping the task anchor and the latest messages, and clear old tool results.
   */
  compactContext: { collection: 'agents', verb: 'compact', body: z.strictObject({}), answer: AgentContext },
  /**
   * Redis memory pressure, playbook scenario 7 step 2 ("Reduce TTL for idempotency keys", 24 h →
   * 12 h): new keys get the shorter TTL; keys already stored keep theirs until flushed. Without a
   * body the platform halves the TTL, not below the playbook's 12 h.
   */
  shortenKeyTtl: {
    collection: 'redis',
    verb: 'shorten-key-ttl',
    body: z.strictObject({ ttlSeconds: z.number().int().positive().optional() }),
    answer: z.object({ redis: RedisInstance, previousTtlSeconds: z.number() }),
  },
  /** Step 3 ("Flush old keys"): the idempotency keys older than the TTL, which it would have expired by now. */
  flushExpiredKeys: {
    collection: 'redis',
    verb: 'flush-expired-keys',
    body: z.strictObject({}),
    answer: z.object({ redis: RedisInstance, freedBytes: z.number() }),
  },
  /** Step 4 ("Scale Redis", maxmemory 6 GB → 12 GB); without a body the platform doubles maxmemory. */
  raiseRedisMemory: {
    collection: 'redis',
    verb: 'raise-memory',
    body: z.strictObject({ maxBytes: z.number().int().positive().optional() }),
    answer: z.object({ redis: RedisInstance, previousMaxBytes: z.number() }),
  },
  /**
   * Dead letters growing (self-healing research, "Dead Letter Queues": "Replay specific failed
   * tasks after fixing the underlying issue"): every dead letter goes back on the task queue.
   */
  replayDeadLetters: {
    collection: 'queues',
    verb: 'replay-dead-letters',
    body: z.strictObject({}),
    answer: z.object({ queue: WorkQueue, replayed: z.number() }),
  },
  /**
   * Task queue growing (self-healing research: "Growing queue = either slow processing or blocked
   * agents"; the card's runbook: "Add capacity only once nothing is blocked"): one more worker
   * for the queue, which takes its first tasks at once.
   */
  addWorker: {
    collection: 'queues',
    verb: 'add-worker',
    body: z.strictObject({}),
    answer: z.object({ queue: WorkQueue, worker: Worker, claimed: z.number() }),
  },
  /**
   * MCP pool filling up (the seed story's Copilot alert at 80%, "Recommendation: Increase pool
   * size"): a bigger connection pool before it runs dry; without a body, MCP_POOL_RAISE_FACTOR.
   */
  raiseMcpPool: {
    collection: 'mcp-servers',
    verb: 'raise-pool',
    body: z.strictObject({ size: z.number().int().positive().optional() }),
    answer: z.object({ server: McpServer, previousSize: z.number() }),
  },
});
