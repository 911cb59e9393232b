import { z } from 'zod';
import { ok } from '../../../result.js';
import { cancelReason, defineRecoveryAction, notAnswered } from '../action.js';

/**
 * Resource exhausted and dependency cycle (recovery procedures, `cancel_task.py`): the task that
 * holds the resource, or one task of the cycle, is cancelled; what it held is released.
 */
export const cancelTask = defineRecoveryAction({
  kind: 'cancel_task',
  targetKind: 'task',
  progress: 'cancelling…',
  params: z.object({
    reason: cancelReason('cancelled from chat'),
  }),
  async execute(deps, { targetId, params, call }) {
    const cancelled = await deps.platform.perform('cancelTask', targetId, { reason: params.reason }, call);
    if (!cancelled.ok) return notAnswered(cancelled.error, `task ${targetId} cancelled (${params.reason})`);
    const { task, releasedResources } = cancelled.value;
    const released = releasedResources.length ? ` · ${releasedResources.join(', ')} released` : '';
    return ok({ text: `task ${task.id} cancelled ✅ (${params.reason})${released}` });
  },
});
