import { z } from 'zod';
import { ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';

/**
 * Agent execution timeout (playbook scenario 5): the platform kills the task executing the intent
 * and marks the intent FAILED with the playbook's reason ("Agent timeout after 300s").
 */
export const killStuckTask = defineRecoveryAction({
  kind: 'kill_stuck_task',
  targetKind: 'intent',
  progress: 'killing the stuck task…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const killed = await deps.platform.perform('killStuckTask', targetId, {}, call);
    if (!killed.ok) return notAnswered(killed.error, `stuck task of intent ${targetId} killed`);
    const { intent, killedExecutionId } = killed.value;
    return ok({ text: `task ${killedExecutionId} killed and intent ${intent.id} marked FAILED ✅ ("${intent.errorReason ?? 'no reason given'}"); next, the agent's logs for the stack trace` });
  },
});
