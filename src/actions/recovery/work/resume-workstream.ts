import { z } from 'zod';
import { err, ok } from '../../../result.js';
import { defineRecoveryAction, fromPlatformError, notAnswered, platformCallMs } from '../action.js';

/**
 * Workstream failed, fixed by hand (recovery procedures, `resume_workstream.py --from-task`): the
 * button names the task to resume from; its workstream is read from the platform.
 */
export const resumeWorkstream = defineRecoveryAction({
  kind: 'resume_workstream',
  targetKind: 'task',
  progress: 'resuming the workstream…',
  params: z.object({}),
  // Two calls: the task's workstream, then the resume.
  deadlineMs: (deps) => 2 * platformCallMs(deps),
  async execute(deps, { targetId, call }) {
    const tasks = await deps.platform.listTasks();
    if (!tasks.ok) return err(fromPlatformError(tasks.error));
    const workstream = tasks.value.find((t) => t.id === targetId)?.workstreamId;
    if (!workstream) return err({ code: 'not_found', text: `task ${targetId} is not part of any workstream the platform lists (it may have been removed; refresh the card) ❌`, retryable: false });
    const resumed = await deps.platform.perform('resumeWorkstream', workstream, { fromTask: targetId }, call);
    if (!resumed.ok) return notAnswered(resumed.error, `workstream ${workstream} resumed from ${targetId}`);
    const ids = resumed.value.resumedTaskIds;
    return ok({ text: `workstream ${workstream} resumed from ${targetId} ✅ (${ids.length ? `${ids.join(', ')} pending again` : 'nothing left to run'}); completed tasks kept` });
  },
});
