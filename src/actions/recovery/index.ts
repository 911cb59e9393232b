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
import { resolveAlert } from './alerts/resolve-alert.js';

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

/** A Record, so a new ActionKind without a recovery action (or an exclusion above) does not compile. */
const BY_KIND: Record<RecoveryActionKind, RecoveryAction> = {
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
  resolve_alert: resolveAlert,
};

export const recoveryActions: ReadonlyMap<string, RecoveryAction> = new Map(Object.entries(BY_KIND));

export function findRecoveryAction(kind: string): RecoveryAction | undefined {
  return recoveryActions.get(kind);
}

export type { RecoveryAction, RecoveryDeps, RecoveryDone, RecoveryFailed, RecoveryInput, RecoveryResult } from './action.js';
export { fromPlatformError } from './action.js';
