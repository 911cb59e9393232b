import { z } from 'zod';
import { defineRecoveryAction } from './action.js';
import { restartWith } from './restart-worker.js';

/** The procedure's "force shutdown and reassign": running work is lost and goes back to the queue. */
export const forceRestartWorker = defineRecoveryAction({
  kind: 'force_restart_worker',
  targetKind: 'worker',
  progress: 'forcing shutdown…',
  params: z.object({}),
  execute: (deps, { targetId, call }) => restartWith(deps.platform, targetId, true, call),
});
