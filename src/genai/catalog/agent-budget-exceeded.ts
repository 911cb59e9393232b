import { z } from 'zod';
import { defineEntry, type Detection } from '../../insights/catalog/entry.js';
import { dismiss, MINUTE, percent, usd } from '../../insights/catalog/helpers.js';
import { latestOf } from './latest-of.js';

const tokens = (n: number): string => n.toLocaleString('en-US');

/**
 * Issue 17: an agent's spend today (tokens at config prices) over its budget, for agents no
 * platform routine stands behind (those report routine.spend, and routine_budget_exhausted asks
 * for an override through the approval gate). Triage cannot stop such an agent: the card warns
 * with the spend, so whoever runs it decides.
 */
export default defineEntry({
  kind: 'agent_budget_exceeded',
  source: 'self-healing',
  name: 'Agent over its spend budget',
  severity: 'warning',
  category: 'governance',
  thresholds: z.object({
    spentRatio: z.number().positive().default(1),
    freshMinutes: z.number().positive().default(15),
  }),
  detect({ window, now, thresholds }) {
    const detections: Detection[] = [];
    for (const { attributes: a } of latestOf(window, 'agent.spend', 'agent', now, thresholds.freshMinutes * MINUTE).values()) {
      const used = a.spentUsd / a.limitUsd;
      if (used < thresholds.spentRatio) continue;
      const unpriced = a.unpricedModels ?? [];
      detections.push({
        scope: a.agent,
        summary: `Agent ${a.agent} spent ${usd(a.spentUsd)} today, ${percent(used)} of its ${usd(a.limitUsd)} daily budget.`,
        detail: 'No platform routine stands behind it, so no budget gate stops it: it keeps spending until someone does.',
        entities: [{ kind: 'agent', id: a.agent, detail: `${usd(a.spentUsd)} of ${usd(a.limitUsd)}` }],
        fields: [
          { label: 'Spent today', value: `${usd(a.spentUsd)} of ${usd(a.limitUsd)} (${percent(used)})` },
          { label: 'Tokens', value: `${tokens(a.inputTokens)} in, ${tokens(a.outputTokens)} out` },
          ...(unpriced.length ? [{ label: 'Not priced', value: `${unpriced.join(', ')} (tokens only: set genai.prices)` }] : []),
        ],
        facts: { spentUsd: a.spentUsd, limitUsd: a.limitUsd, percent: Math.floor(used * 100 + 1e-9), inputTokens: a.inputTokens, outputTokens: a.outputTokens },
      });
    }
    return detections;
  },
  title: (d) => `Agent ${d.scope} over budget`,
  actions: () => [{ action: 'run_doctor', label: 'Run Doctor' }, dismiss],
  noFixBecause: 'No platform routine stands behind the agent (genai.agentRoutines), so Triage has nothing to pause or gate; mapping it to its routine brings the budget approval gate.',
  runbook: [
    'Verify the spend: the card prices tokens at genai.prices; the provider\'s own usage page is the bill.',
    'Find why it spends: a retry storm, a loop re-reading a growing context, or more work than planned.',
    'Stop or throttle the agent where it runs; raise its budget in genai.budgets if the work is legitimate.',
    'Map the agent to the routine that runs it (genai.agentRoutines) so its budget goes through the approval gate.',
  ],
  preventiveTicket: {
    title: 'Put every agent behind a budget gate',
    description: 'An agent spent past its budget with nothing to stop it. Run agents as routines with a hard budget stop and an approval for overrides.',
    deliverables: ['A routine (with a budget) per agent', 'Spend per agent on the dashboard', 'Retries with backoff so a storm cannot burn the budget'],
  },
  causedBy: ['retry_storm', 'context_window_high'],
  recoveryRank: 40,
});
