import { percent, plural, ratio, usd } from '../../insights/catalog/helpers.js';
import type { Platform, Routine } from '../../platform/port.js';
import type { DoctorCheck, Finding } from '../check.js';

export type PendingOverride = { routineId: string; amountUsd: number; requestedBy: string };

export type BudgetCheckDeps = {
  platform: Platform;
  /** Budget overrides awaiting approval; absent until the approvals feature provides them. */
  pendingOverrides?: () => Promise<PendingOverride[]>;
};

/** A routine this close to its limit is worth a line before it stops. */
const NEAR_RATIO = 0.8;

const spent = (r: Routine): string => {
  const used = ratio(r.budgetSpentUsd, r.budgetLimitUsd);
  return `${usd(r.budgetSpentUsd)} of ${usd(r.budgetLimitUsd)}${used === undefined ? '' : ` (${percent(used)})`}`;
};

const pausedOnBudget = (r: Routine): boolean => r.status === 'paused' && !!r.pausedReason?.toLowerCase().includes('budget');
const exhausted = (r: Routine): boolean => r.budgetSpentUsd >= r.budgetLimitUsd || pausedOnBudget(r);
const nearing = (r: Routine): boolean => !exhausted(r) && (ratio(r.budgetSpentUsd, r.budgetLimitUsd) ?? 0) >= NEAR_RATIO;

function exhaustedLines(routines: Routine[]): { summary: string; details: string[] } {
  const [only] = routines;
  // The seed's one-routine wording; with several, each line has to say which routine it is.
  if (routines.length === 1 && only) return { summary: `Routine "${only.id}" exhausted budget`, details: [spent(only)] };
  return {
    summary: `${plural(routines.length, 'routine')} exhausted budget`,
    details: routines.map((r) => `"${r.id}": ${spent(r)}`),
  };
}

/** Overrides are extra context: if they cannot be read, say so rather than fail the check. */
async function overrideLines(pendingOverrides: BudgetCheckDeps['pendingOverrides']): Promise<string[]> {
  if (!pendingOverrides) return [];
  try {
    const overrides = await pendingOverrides();
    return overrides.map(
      (o) => `override of ${usd(o.amountUsd)} for ${o.routineId} awaiting approval (requested by ${o.requestedBy})`,
    );
  } catch (error) {
    return [`pending overrides unavailable: ${error instanceof Error ? error.message : String(error)}`];
  }
}

/**
 * Budget blockers: a routine at or over its limit (or paused for budget) stops doing its job, so
 * it is a WARNING with its spend; routines nearing the limit and overrides awaiting approval are
 * listed as context. Approve/deny buttons come with the approvals feature.
 */
export function budgetCheck({ platform, pendingOverrides }: BudgetCheckDeps): DoctorCheck {
  return {
    section: 'budget',
    name: 'Budget blockers',
    async run(): Promise<Finding> {
      const listed = await platform.listRoutines();
      if (!listed.ok) {
        return { status: 'fail', summary: `could not list routines: ${listed.error.message}`, details: [], actions: [] };
      }
      const routines = listed.value;
      const over = routines.filter(exhausted);
      const near = routines.filter(nearing).map((r) => `"${r.id}" nearing its limit: ${spent(r)}`);
      const overrides = await overrideLines(pendingOverrides);
      if (!over.length) {
        const summary = routines.length ? `${plural(routines.length, 'routine')} within budget` : 'no routines';
        return { status: 'pass', summary, details: [...near, ...overrides], actions: [] };
      }
      const { summary, details } = exhaustedLines(over);
      return {
        status: 'warning',
        summary,
        details: [...details, ...near, ...overrides],
        actions: [
          {
            kind: 'routine_budget_exhausted',
            text: `Resolve routine budget exhaustion (${over.map((r) => r.id).join(', ')})`,
            buttons: [],
          },
        ],
      };
    },
  };
}
