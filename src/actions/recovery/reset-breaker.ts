import { z } from 'zod';
import { ok } from '../../result.js';
import { defineRecoveryAction, notAnswered } from './action.js';

/** The playbook's `breaker.reset()`, for after the partner confirms the fix. */
export const resetBreaker = defineRecoveryAction({
  kind: 'reset_breaker',
  targetKind: 'breaker',
  progress: 'resetting…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const reset = await deps.platform.resetCircuitBreaker(targetId, call);
    if (!reset.ok) return notAnswered(reset.error, `circuit breaker ${targetId} reset`);
    return ok({ text: `circuit breaker ${reset.value.id} reset ✅ (now ${reset.value.state})` });
  },
});
