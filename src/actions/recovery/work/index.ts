import type { RecoveryAction } from '../action.js';
import { failIntent } from './fail-intent.js';
import { killStuckTask } from './kill-stuck-task.js';

/** The recovery actions of the work group (src/platform/operations/work.ts), by kind. */
export const workRecoveryActions = {
  kill_stuck_task: killStuckTask,
  fail_intent: failIntent,
} satisfies Record<string, RecoveryAction>;
