import type { ActionKind } from '../../insights/catalog/entry.js';
import type { RecoveryAction } from './action.js';
import { cancelLoop } from './cancel-loop.js';
import { forceRestartWorker } from './force-restart-worker.js';
import { resetBreaker } from './reset-breaker.js';
import { restartMcpServer } from './restart-mcp-server.js';
import { restartRuntime } from './restart-runtime.js';
import { restartWorker } from './restart-worker.js';
import { retryTask } from './retry-task.js';
import { skipTask } from './skip-task.js';
import { checksRecoveryActions } from './checks/index.js';
import { infraRecoveryActions } from './infra/index.js';
import { routingRecoveryActions } from './routing/index.js';
import { workRecoveryActions } from './work/index.js';

/**
 * Catalog actions that are not recovery actions: card bookkeeping (dismiss, acknowledge), the
 * approval gate's decisions (approve/deny, rollback goes through an approval), and the Doctor.
 */
export const NOT_RECOVERY_ACTIONS = [
  'dismiss',
  'acknowledge',
  'approve_budget_override',
  'deny_budget_override',
  'rollback_workstream',
  'run_doctor',
] as const satisfies readonly ActionKind[];

export type RecoveryActionKind = Exclude<ActionKind, (typeof NOT_RECOVERY_ACTIONS)[number]>;

/**
 * The seeds' remedies still being built (issue 16): their names and gates are decided
 * (src/auth/requirements.ts), their actions land group by group. Emptied, this goes, and BY_KIND
 * is a full Record again.
 */
export const AWAITING_ACTIONS = [
  'kill_stuck_task', 'fail_intent', 'lower_partner_autonomy', 'restore_partner_autonomy', 'shorten_key_ttl', 'flush_expired_keys',
  'raise_redis_memory', 'raise_resource_limit', 'cancel_task', 'remove_dependency', 'stop_duplicate_spawns', 'pause_routine',
  'open_breaker', 'replay_dead_letters', 'add_worker', 'raise_mcp_pool', 'remind_credential_owner', 'rerun_probe', 'revert_change',
  'refresh_trace_fixture', 'failover_provider', 'restore_provider', 'retry_failed_tasks', 'resume_workstream',
] as const satisfies readonly ActionKind[];

/** A Record, so a new ActionKind without a recovery action (or an exclusion above) does not compile. */
const BY_KIND: Omit<Record<RecoveryActionKind, RecoveryAction>, (typeof AWAITING_ACTIONS)[number]> & Partial<Record<RecoveryActionKind, RecoveryAction>> = {
  restart_runtime: restartRuntime,
  cancel_loop: cancelLoop,
  restart_mcp_server: restartMcpServer,
  reset_breaker: resetBreaker,
  retry_task: retryTask,
  skip_task: skipTask,
  restart_worker: restartWorker,
  force_restart_worker: forceRestartWorker,
  ...workRecoveryActions,
  ...infraRecoveryActions,
  ...routingRecoveryActions,
  ...checksRecoveryActions,
};

export const recoveryActions: ReadonlyMap<string, RecoveryAction> = new Map(Object.entries(BY_KIND));

export function findRecoveryAction(kind: string): RecoveryAction | undefined {
  return recoveryActions.get(kind);
}

export type { RecoveryAction, RecoveryDeps, RecoveryDone, RecoveryFailed, RecoveryInput, RecoveryResult } from './action.js';
export { fromPlatformError } from './action.js';
