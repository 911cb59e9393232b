import { z } from 'zod';
import { ok } from '../../result.js';
import { defineRecoveryAction, notAnswered } from './action.js';

export const MAX_RETRY_TIMEOUT_SECONDS = 3_600;

/** One more attempt for a failed or timed-out task, optionally with a longer timeout (transient failures). */
export const retryTask = defineRecoveryAction({
  kind: 'retry_task',
  targetKind: 'task',
  progress: 'retrying…',
  params: z.object({
    timeoutSeconds: z
      .number({ error: `The new timeout must be a whole number of seconds from 1 to ${MAX_RETRY_TIMEOUT_SECONDS} (1 hour).` })
      .int({ error: `The new timeout must be a whole number of seconds from 1 to ${MAX_RETRY_TIMEOUT_SECONDS} (1 hour).` })
      .positive({ error: `The new timeout must be a whole number of seconds from 1 to ${MAX_RETRY_TIMEOUT_SECONDS} (1 hour).` })
      .max(MAX_RETRY_TIMEOUT_SECONDS, { error: `The new timeout can be at most ${MAX_RETRY_TIMEOUT_SECONDS} seconds (1 hour).` })
      .optional(),
  }),
  async execute(deps, { targetId, params, call }) {
    const options = params.timeoutSeconds === undefined ? {} : { timeoutSeconds: params.timeoutSeconds };
    const retried = await deps.platform.retryTask(targetId, options, call);
    if (!retried.ok) return notAnswered(retried.error, `task ${targetId} queued again`);
    const task = retried.value;
    return ok({ text: `task ${task.id} queued again ✅ (attempt ${task.attempt} of ${task.maxAttempts}, timeout ${task.timeoutSeconds} s)` });
  },
});
