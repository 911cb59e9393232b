import { usd } from '../insights/catalog/helpers.js';
import type { Platform } from '../platform/port.js';
import { err, ok, type Result } from '../result.js';
import type { Approval } from './model.js';

export type ApprovalPlatform = Pick<Platform, 'grantBudgetOverride' | 'restartWorker' | 'rollbackWorkstream'>;

/**
 * What an approved request does on the platform, per kind, with the outcome in the card's words
 * ("new limit $15.00 · routine unpaused") or the platform's refusal. Pass the platform already
 * wrapped in timeouts, retries and the breaker: this only chooses the call and words the answer.
 */
export function executeApproval(platform: ApprovalPlatform): (approval: Approval) => Promise<Result<string, string>> {
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
    }
  };
}

/**
 * One key per approval, the same on every try: a sweep finishing an approval whose replica died
 * (src/approvals/resume.ts) sends what the platform may already have done under the same key.
 * The creation time keeps two deployments' approval #7 apart on one platform.
 */
export const approvalKey = (approval: Pick<Approval, 'id' | 'createdAt'>): string => `triage-approval-${approval.id}-${approval.createdAt.getTime()}`;
