import { z } from 'zod';
import { err, ok } from '../../result.js';
import { defineRecoveryAction, fromPlatformError } from './action.js';

/** The playbook's `breaker.reset()`, for after the partner confirms the fix. */
export const resetBreaker = defineRecoveryAction({
  kind: 'reset_breaker',
  targetKind: 'breaker',
  progress: 'resetting…',
  params: z.object({}),
  async execute(deps, { targetId }) {
    const reset = await deps.platform.resetCircuitBreaker(targetId);
    if (!reset.ok) return err(fromPlatformError(reset.error));
    return ok({ text: `circuit breaker ${reset.value.id} reset ✅ (now ${reset.value.state})` });
  },
});
