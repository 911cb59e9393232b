import { z } from 'zod';
import { ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';

/** Workstream failed, non-critical tasks (recovery procedures, `retry_failed_tasks.py`): only the failed tasks run again. */
export const retryFailedTasks = defineRecoveryAction({
  kind: 'retry_failed_tasks',
  targetKind: 'workstream',
  progress: 'retrying its failed tasks…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const retried = await deps.platform.perform('retryFailedTasks', targetId, {}, call);
    if (!retried.ok) return notAnswered(retried.error, `failed tasks of workstream ${targetId} queued again`);
    const { workstream, retriedTaskIds: ids } = retried.value;
    return ok({ text: `${ids.length} failed task${ids.length === 1 ? '' : 's'} of ${workstream.id} queued again ✅ (${ids.join(', ')}); the workstream is ${workstream.state}` });
  },
});
