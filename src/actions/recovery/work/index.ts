import type { RecoveryAction } from '../action.js';
import { cancelTask } from './cancel-task.js';
import { failIntent } from './fail-intent.js';
import { killStuckTask } from './kill-stuck-task.js';
import { raiseResourceLimit } from './raise-resource-limit.js';
import { removeDependency } from './remove-dependency.js';
import { resumeWorkstream } from './resume-workstream.js';
import { retryFailedTasks } from './retry-failed-tasks.js';
import { stopDuplicateSpawns } from './stop-duplicate-spawns.js';

/** The recovery actions of the work group (src/platform/operations/work.ts), by kind. */
export const workRecoveryActions = {
  kill_stuck_task: killStuckTask,
  fail_intent: failIntent,
  raise_resource_limit: raiseResourceLimit,
  cancel_task: cancelTask,
  remove_dependency: removeDependency,
  stop_duplicate_spawns: stopDuplicateSpawns,
  retry_failed_tasks: retryFailedTasks,
  resume_workstream: resumeWorkstream,
} satisfies Record<string, RecoveryAction>;
