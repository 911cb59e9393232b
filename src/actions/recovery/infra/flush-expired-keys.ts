import { z } from 'zod';
import { ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';
import { duration, gb, memory } from './words.js';

/**
 * Redis memory pressure, playbook scenario 7 step 3 ("Flush old keys"): the idempotency keys older
 * than the TTL, the ones a shortened TTL would already have expired. The playbook's command
 * deletes every idempotency key; keeping the younger ones keeps deduplicating the retries in
 * flight. Approval-gated (src/auth/requirements.ts): deleted keys cannot be brought back.
 */
export const flushExpiredKeys = defineRecoveryAction({
  kind: 'flush_expired_keys',
  targetKind: 'redis',
  progress: 'flushing old idempotency keys…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const flushed = await deps.platform.perform('flushExpiredKeys', targetId, {}, call);
    if (!flushed.ok) return notAnswered(flushed.error, `old idempotency keys flushed from ${targetId}`);
    const { redis: r, freedBytes } = flushed.value;
    return ok({ text: `${gb(freedBytes)} of idempotency keys older than ${duration(r.keyTtlSeconds)} flushed from ${r.instance} ✅ (memory now ${memory(r)})` });
  },
});
