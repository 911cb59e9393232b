import { z } from 'zod';
import { ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';
import { duration, memory } from './words.js';

/**
 * Redis memory pressure, playbook scenario 7 step 2: new idempotency keys get half the TTL (24 h →
 * 12 h). It frees nothing by itself: the keys already stored keep theirs until Flush old keys.
 */
export const shortenKeyTtl = defineRecoveryAction({
  kind: 'shorten_key_ttl',
  targetKind: 'redis',
  progress: 'shortening the idempotency-key TTL…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const shortened = await deps.platform.perform('shortenKeyTtl', targetId, {}, call);
    if (!shortened.ok) return notAnswered(shortened.error, `idempotency-key TTL of ${targetId} shortened`);
    const { redis: r, previousTtlSeconds } = shortened.value;
    const left = r.oldestKeySeconds > r.keyTtlSeconds ? `; keys older than ${duration(r.keyTtlSeconds)} stay until flushed` : '';
    return ok({ text: `idempotency-key TTL of ${r.instance} shortened from ${duration(previousTtlSeconds)} to ${duration(r.keyTtlSeconds)} ✅ (memory ${memory(r)}${left})` });
  },
});
