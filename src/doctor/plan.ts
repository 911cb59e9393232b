import type { ActionSpec } from '../insights/catalog/entry.js';
import type { CheckResult } from './runner.js';

export type Overall = 'CRITICAL' | 'WARNING' | 'HEALTHY';

export type PlanStep = { kind: string; text: string; buttons: ActionSpec[] };

/**
 * CRITICAL when anything failed; WARNING when anything warned, timed out or is partial; else
 * HEALTHY. A TIMEOUT is not a FAIL (we do not know) but is never "healthy" either.
 */
export function overallOf(results: CheckResult[]): Overall {
  if (results.some((r) => r.status === 'fail')) return 'CRITICAL';
  if (results.some((r) => r.status !== 'pass')) return 'WARNING';
  return 'HEALTHY';
}

/** "1 fail, 2 warnings" — only the non-zero counts, in order of gravity. */
export function countsOf(results: CheckResult[]): string {
  const count = (status: CheckResult['status']) => results.filter((r) => r.status === status).length;
  const parts = [
    plural(count('fail'), 'fail', 'fails'),
    plural(count('timeout'), 'timeout', 'timeouts'),
    plural(count('warning'), 'warning', 'warnings'),
    plural(count('partial'), 'partial', 'partial'),
  ].filter((p): p is string => p !== undefined);
  return parts.length > 0 ? parts.join(', ') : `${results.length} passed`;
}

const plural = (n: number, one: string, many: string): string | undefined => (n === 0 ? undefined : `${n} ${n === 1 ? one : many}`);

/**
 * The immediate actions in dependency order: each step's catalog kind carries a recoveryRank
 * (fix the MCP server before restarting runtimes; budgets after the incident; stuck loops last,
 * they may recover by themselves). Steps with the same text are one step.
 */
export function planOf(results: CheckResult[], rankOf: (kind: string) => number | undefined): PlanStep[] {
  const steps = new Map<string, PlanStep & { rank: number; order: number }>();
  let order = 0;
  for (const result of results) {
    for (const action of result.actions) {
      const existing = steps.get(action.text);
      if (existing) {
        existing.buttons.push(...action.buttons);
        continue;
      }
      steps.set(action.text, { ...action, buttons: [...action.buttons], rank: rankOf(action.kind) ?? Number.MAX_SAFE_INTEGER, order: order++ });
    }
  }
  return [...steps.values()]
    .sort((a, b) => a.rank - b.rank || a.order - b.order)
    .map(({ kind, text, buttons }) => ({ kind, text, buttons }));
}
