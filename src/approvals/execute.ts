import { usd } from '../insights/catalog/helpers.js';
import type { Platform } from '../platform/port.js';
import { err, ok, type Result } from '../result.js';
import type { Approval } from './model.js';

export type ApprovalPlatform = Pick<Platform, 'grantBudgetOverride' | 'restartWorker'>;

/**
 * What an approved request does on the platform, per kind, with the outcome in the card's words
 * ("new limit $15.00 · routine unpaused") or the platform's refusal. Pass the platform already
 * wrapped in timeouts, retries and the breaker: this only chooses the call and words the answer.
 */
export function executeApproval(platform: ApprovalPlatform): (approval: Approval) => Promise<Result<string, string>> {
  return async (approval) => {
    switch (approval.kind) {
      case 'budget_override': {
        const granted = await platform.grantBudgetOverride(approval.params.routineId, approval.params.amountUsd);
        if (!granted.ok) return err(granted.error.message);
        const routine = granted.value;
        return ok(`new limit ${usd(routine.budgetLimitUsd)} · routine ${routine.status === 'active' ? 'unpaused' : 'still paused'}`);
      }
      case 'force_restart_worker': {
        const restarted = await platform.restartWorker(approval.params.workerId, { force: true });
        if (!restarted.ok) return err(restarted.error.message);
        const moved = restarted.value.reassignedTaskIds.length;
        return ok(`worker restarted · ${moved} task${moved === 1 ? '' : 's'} reassigned`);
      }
      case 'rollback_workstream':
        // The Platform port has no rollback call yet; refusing keeps the card honest.
        return err('the platform API has no workstream rollback yet; roll it back in the platform itself');
    }
  };
}
