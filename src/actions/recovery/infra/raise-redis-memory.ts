import { z } from 'zod';
import { ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';
import { gb, memory } from './words.js';

/**
 * Redis memory pressure, playbook scenario 7 step 4 ("Scale Redis", maxmemory 6 GB → 12 GB): the
 * platform doubles maxmemory. Approval-gated (src/auth/requirements.ts): it changes what is spent.
 */
export const raiseRedisMemory = defineRecoveryAction({
  kind: 'raise_redis_memory',
  targetKind: 'redis',
  progress: 'raising maxmemory…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const raised = await deps.platform.perform('raiseRedisMemory', targetId, {}, call);
    if (!raised.ok) return notAnswered(raised.error, `maxmemory of ${targetId} raised`);
    const { redis: r, previousMaxBytes } = raised.value;
    return ok({ text: `maxmemory of ${r.instance} raised from ${gb(previousMaxBytes)} to ${gb(r.maxBytes)} ✅ (memory now ${memory(r)})` });
  },
});
