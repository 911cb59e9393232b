import type { RecoveryAction } from '../action.js';
import { addWorker } from './add-worker.js';
import { compactContext } from './compact-context.js';
import { flushExpiredKeys } from './flush-expired-keys.js';
import { raiseMcpPool } from './raise-mcp-pool.js';
import { raiseRedisMemory } from './raise-redis-memory.js';
import { replayDeadLetters } from './replay-dead-letters.js';
import { shortenKeyTtl } from './shorten-key-ttl.js';

/** The recovery actions of the infra group (src/platform/operations/infra.ts), by kind. */
export const infraRecoveryActions = {
  compact_context: compactContext,
  shorten_key_ttl: shortenKeyTtl,
  flush_expired_keys: flushExpiredKeys,
  raise_redis_memory: raiseRedisMemory,
  replay_dead_letters: replayDeadLetters,
  add_worker: addWorker,
  raise_mcp_pool: raiseMcpPool,
} satisfies Record<string, RecoveryAction>;
