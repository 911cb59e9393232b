import type { DoctorAction, FindingStatus } from '../check.js';

/** One concern of the Triage-itself check; the check folds its parts into one finding. */
export type Part = {
  status: Exclude<FindingStatus, 'partial'>;
  /** Short, for the summary line: "3 cards not delivered". */
  headline?: string;
  details: string[];
  actions: DoctorAction[];
  /** Said in the summary even when all is well ("insights evaluated by …, 0.2 s behind"). */
  note?: string;
};

export const healthy: Part = { status: 'pass', details: [], actions: [] };

/** A concern that could not be read is not a clean bill of health: say so, as a warning. */
export const unreadable = (what: string, reason: string): Part => ({
  status: 'warning',
  headline: `could not read ${what}`,
  details: [`• could not read ${what}: ${reason}`],
  actions: [],
});
