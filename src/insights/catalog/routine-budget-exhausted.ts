import { z } from 'zod';
import type { SignalWindow } from '../signal-window.js';
import { defineEntry, type Detection } from './entry.js';
import { dismiss, isNewer, latestBy, percent, ratio, usd } from './helpers.js';
import { backoffTicket } from './seed-tickets.js';

const BUDGET = 'budget_exhausted';

/** Each routine's latest spend, run, pause and resume: the budget story is spread over four event types. */
function routineStates(window: SignalWindow, now: number) {
  const spends = latestBy(window, 'routine.spend', 'routine', now);
  const runs = latestBy(window, 'routine.run', 'routine', now);
  const pauses = latestBy(window, 'routine.paused', 'routine', now);
  const resumes = latestBy(window, 'routine.resumed', 'routine', now);
  return [...new Set([...spends.keys(), ...runs.keys(), ...pauses.keys()])].map((routine) => {
    const resumed = resumes.get(routine);
    const pause = pauses.get(routine);
    const run = runs.get(routine);
    const paused = isNewer(pause, resumed);
    return {
      routine,
      spend: spends.get(routine)?.attributes,
      paused,
      // A budget failure from before the last resume is history, not the current state.
      failedOnBudget: !!run && run.attributes.status === 'failed' && !!run.attributes.error?.includes(BUDGET) && isNewer(run, resumed),
      pausedOnBudget: paused && !!pause?.attributes.reason.includes(BUDGET),
    };
  });
}

/** Team-X: `Routine "daily-code-review" failed execution. Error: budget_exhausted. Routine paused pending resolution.` */
export default defineEntry({
  kind: 'routine_budget_exhausted',
  source: 'team-x',
  name: 'Routine budget exhausted',
  severity: 'critical',
  category: 'governance',
  thresholds: z.object({ spentRatio: z.number().positive().default(1) }),
  detect({ window, now, thresholds }) {
    const detections: Detection[] = [];
    for (const state of routineStates(window, now)) {
      const used = state.spend ? ratio(state.spend.spentUsd, state.spend.limitUsd) : undefined;
      const overBudget = used !== undefined && used >= thresholds.spentRatio;
      if (!overBudget && !state.failedOnBudget && !state.pausedOnBudget) continue;
      const { spend } = state;
      detections.push({
        scope: state.routine,
        summary: state.failedOnBudget || state.pausedOnBudget ? `Routine "${state.routine}" failed execution.` : `Routine "${state.routine}" exhausted its budget.`,
        detail: state.paused ? 'Routine paused pending resolution.' : 'Routine still active: further runs keep spending.',
        entities: [{ kind: 'routine', id: state.routine }],
        fields: [
          { label: 'Error', value: BUDGET },
          ...(spend && used !== undefined ? [{ label: 'Spent', value: `${usd(spend.spentUsd)} of ${usd(spend.limitUsd)} (${percent(used)})` }] : []),
          { label: 'Status', value: state.paused ? 'paused' : 'active' },
        ],
        facts: {
          paused: state.paused,
          ...(spend && used !== undefined
            ? { spentUsd: spend.spentUsd, limitUsd: spend.limitUsd, percent: Math.floor(used * 100 + 1e-9), period: spend.period }
            : {}),
        },
      });
    }
    return detections;
  },
  title: (d) => `Routine ${d.scope} out of budget`,
  actions: (d) => [
    ...d.entities.flatMap((routine) => [
      {
        action: 'approve_budget_override' as const,
        label: 'Approve override',
        target: routine,
        style: 'primary' as const,
        confirm: `Raise the budget of "${routine.id}" so it can run again?`,
      },
      { action: 'deny_budget_override' as const, label: 'Deny', target: routine, style: 'danger' as const },
    ]),
    dismiss,
  ],
  runbook: [
    'Read the routine logs: extra runs during an incident (retry storms) are legitimate, routine overuse is not.',
    'Approve a one-off override to finish the period (the seed: +$5.00), or deny it and leave the routine paused.',
    'Post-incident: size the budget for retry scenarios (the seed: $10 → $15/month).',
    'Fix the retry logic so a storm cannot burn the budget again.',
  ],
  preventiveTicket: backoffTicket,
  causedBy: ['retry_storm', 'mcp_pool_exhausted'],
  // The seed resolves the budget after MCP and runtimes: the hard stop already contains the spend.
  recoveryRank: 40,
  lessons: ['Budget gates prevent runaway spend during incidents.', 'The approval workflow gave a controlled override without lifting the hard stop.'],
});
