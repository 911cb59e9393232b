import { z } from 'zod';
import type { Platform } from '../../platform/port.js';
import { err, ok } from '../../result.js';
import { defineRecoveryAction, fromPlatformError, type RecoveryResult } from './action.js';

/** Restarts an unresponsive worker; a healthy busy one is refused (that needs force_restart_worker). */
export const restartWorker = defineRecoveryAction({
  kind: 'restart_worker',
  targetKind: 'worker',
  progress: 'restarting…',
  params: z.object({}),
  execute: (deps, { targetId }) => restartWith(deps.platform, targetId, false),
});

/** Shared with force-restart-worker.ts: the two differ only in `force` and in the words. */
export async function restartWith(platform: Platform, workerId: string, force: boolean): Promise<RecoveryResult> {
  const restarted = await platform.restartWorker(workerId, { force });
  if (!restarted.ok) return err(fromPlatformError(restarted.error));
  const { worker, reassignedTaskIds: moved } = restarted.value;
  const done = force ? `worker ${worker.id} forced down and restarted ✅` : `worker ${worker.id} restarted ✅`;
  const tasks = moved.length ? `reassigned ${moved.join(', ')}` : 'no tasks to reassign';
  return ok({ text: `${done} (${worker.status}; ${tasks})` });
}
