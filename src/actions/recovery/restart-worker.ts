import { z } from 'zod';
import type { ActionCall, Platform } from '../../platform/port.js';
import { ok } from '../../result.js';
import { defineRecoveryAction, notAnswered, type RecoveryResult } from './action.js';

/** Restarts an unresponsive worker; a healthy busy one is refused (that needs force_restart_worker). */
export const restartWorker = defineRecoveryAction({
  kind: 'restart_worker',
  targetKind: 'worker',
  progress: 'restarting…',
  params: z.object({}),
  execute: (deps, { targetId, call }) => restartWith(deps.platform, targetId, false, call),
});

/** Shared with force-restart-worker.ts: the two differ only in `force` and in the words. */
export async function restartWith(platform: Platform, workerId: string, force: boolean, call: ActionCall): Promise<RecoveryResult> {
  const restarted = await platform.restartWorker(workerId, { force }, call);
  if (!restarted.ok) return notAnswered(restarted.error, `worker ${workerId} ${force ? 'forced down and restarted' : 'restarted'}`);
  const { worker, reassignedTaskIds: moved } = restarted.value;
  const done = force ? `worker ${worker.id} forced down and restarted ✅` : `worker ${worker.id} restarted ✅`;
  const tasks = moved.length ? `reassigned ${moved.join(', ')}` : 'no tasks to reassign';
  return ok({ text: `${done} (${worker.status}; ${tasks})` });
}
