import { z } from 'zod';
import { ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';

/**
 * Dependency cycle (recovery procedures, `remove_dependency.py --from task-001 --to task-002`):
 * the target `task-001>task-002` names the edge, the first task depending on the second.
 */
export const removeDependency = defineRecoveryAction({
  kind: 'remove_dependency',
  targetKind: 'dependency',
  progress: 'removing the dependency…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const removed = await deps.platform.perform('removeDependency', targetId, {}, call);
    if (!removed.ok) return notAnswered(removed.error, `dependency ${targetId.replace('>', ' → ')} removed`);
    const { taskId, removed: on, dependsOn } = removed.value;
    return ok({ text: `dependency ${taskId} → ${on} removed ✅ (${taskId} now waits for ${dependsOn.length ? dependsOn.join(', ') : 'nothing'})` });
  },
});
