import { usd } from '../insights/catalog/helpers.js';
import type { Platform } from '../platform/port.js';
import { err, ok, type Result } from '../result.js';
import type { Approval } from './model.js';
import { findRecoveryAction, type RecoveryDeps } from '../actions/recovery/index.js';
import { plainOutcome } from '../actions/action-card.js';
import { gateOf } from '../auth/requirements.js';

export type ApprovalPlatform = Pick<Platform, 'grantBudgetOverride' | 'restartWorker' | 'rollbackWorkstream'>;

/** What approved recovery actions run with (the same as the recovery buttons' runner); without it they are refused. */
export type ApprovalRecovery = RecoveryDeps;

/**
 * What an approved request does on the platform, per kind, with the outcome in the card's words
 * ("new limit $15.00 · routine unpaused") or the platform's refusal. Pass the platform already
 * wrapped in timeouts, retries and the breaker: this only chooses the call and words the answer.
 */
export function executeApproval(platform: ApprovalPlatform, recovery?: ApprovalRecovery): (approval: Approval) => Promise<Result<string, string>> {
  return async (approval) => {
    const call = { idempotencyKey: approvalKey(approval) };
    switch (approval.kind) {
      case 'budget_override': {
        const granted = await platform.grantBudgetOverride(approval.params.routineId, approval.params.amountUsd, call);
        if (!granted.ok && granted.error.code === 'unconfirmed') return ok(`override of ${usd(approval.params.amountUsd)} granted ⚠️ (${granted.error.message})`);
        if (!granted.ok) return err(granted.error.message);
        const routine = granted.value;
        return ok(`new limit ${usd(routine.budgetLimitUsd)} · routine ${routine.status === 'active' ? 'unpaused' : 'still paused'}`);
      }
      case 'force_restart_worker': {
        const restarted = await platform.restartWorker(approval.params.workerId, { force: true }, call);
        if (!restarted.ok && restarted.error.code === 'unconfirmed') return ok(`worker restart accepted ⚠️ (${restarted.error.message})`);
        if (!restarted.ok) return err(restarted.error.message);
        const moved = restarted.value.reassignedTaskIds.length;
        return ok(`worker restarted · ${moved} task${moved === 1 ? '' : 's'} reassigned`);
      }
      case 'rollback_workstream': {
        const rolled = await platform.rollbackWorkstream(approval.params.workstreamId, call);
        if (!rolled.ok && rolled.error.code === 'unconfirmed') return ok(`rollback accepted ⚠️ (${rolled.error.message})`);
        if (!rolled.ok) return err(rolled.error.message);
        const { cancelledTaskIds: cancelled, resetTaskIds: reset } = rolled.value;
        const tasks = (ids: string[], what: string) => `${ids.length} task${ids.length === 1 ? '' : 's'} ${what}${ids.length ? ` (${ids.join(', ')})` : ''}`;
        return ok(`workstream rolled back to its last checkpoint · ${tasks(reset, 'pending again')} · ${tasks(cancelled, 'cancelled')}; completed tasks kept`);
      }
      case 'recovery_action':
        return runApproved(recovery, approval, call);
    }
  };
}

/**
 * An approved recovery action, run by the same code as its button would (src/actions/recovery/),
 * on the approval's target and under the approval's key. Only actions the gate table sends through
 * approval: a row naming another action (a hand edit, a newer Triage's) is refused, not run.
 */
async function runApproved(recovery: ApprovalRecovery | undefined, approval: Extract<Approval, { kind: 'recovery_action' }>, call: { idempotencyKey: string }): Promise<Result<string, string>> {
  const action = findRecoveryAction(approval.params.action);
  if (!action || gateOf(approval.params.action) !== 'approval') return err(`"${approval.params.action}" is not an action this version of Triage carries out after an approval`);
  if (!recovery) return err('this Triage cannot carry out recovery actions (no platform configured for them)');
  const ran = await action.run(recovery, { targetId: approval.targetId, params: approval.params.params, call });
  return ran.ok ? ok(plainOutcome(ran.value.text) ?? 'done') : err(plainOutcome(ran.error.text) ?? 'the platform refused');
}

/**
 * One key per approval, the same on every try: a sweep finishing an approval whose replica died
 * (src/approvals/resume.ts) sends what the platform may already have done under the same key.
 * The creation time keeps two deployments' approval #7 apart on one platform.
 */
export const approvalKey = (approval: Pick<Approval, 'id' | 'createdAt'>): string => `triage-approval-${approval.id}-${approval.createdAt.getTime()}`;
