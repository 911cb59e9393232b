import type { AcceptedEvent } from '../events/envelope.js';
import { priceOf, type GenAiConfig } from './config.js';
import { signalEvent } from './events.js';
import { splitAgentModel } from './fold.js';
import type { Sums } from './store.js';
import type { WindowView } from './window.js';

export type AgentSpend = { agent: string; spentUsd: number; inputTokens: number; outputTokens: number; unpricedModels: string[] };

/** Each agent's spend since the UTC day began: tokens per model at that model's price; unpriced models count tokens only. */
export function spendByAgent(today: Map<string, Sums>, config: GenAiConfig): Map<string, AgentSpend> {
  const spends = new Map<string, AgentSpend>();
  for (const [key, sums] of today) {
    const { agent, model } = splitAgentModel(key);
    let spend = spends.get(agent);
    if (!spend) spends.set(agent, (spend = { agent, spentUsd: 0, inputTokens: 0, outputTokens: 0, unpricedModels: [] }));
    spend.inputTokens += sums.inputTokens;
    spend.outputTokens += sums.outputTokens;
    const price = priceOf(config, model);
    if (price) spend.spentUsd += (sums.inputTokens * price.inputPerMillionUsd + sums.outputTokens * price.outputPerMillionUsd) / 1_000_000;
    else spend.unpricedModels.push(model);
  }
  return spends;
}

const cents = (usd: number): number => Math.round(usd * 100) / 100;

/**
 * Spend against each budgeted agent's daily limit, every window. Where a platform routine runs
 * the agent (genai.agentRoutines) it is the routine's spend (routine.spend): routine_budget_exhausted
 * raises its card and asks for an override through the approval gate. Otherwise agent.spend,
 * whose card (src/genai/catalog/agent-budget-exceeded.ts) warns with the spend.
 */
export function spendSignals(view: WindowView, config: GenAiConfig): Array<AcceptedEvent | undefined> {
  const events: Array<AcceptedEvent | undefined> = [];
  for (const spend of spendByAgent(view.today, config).values()) {
    const configured = config.budgets[spend.agent]?.dailyUsd ?? config.defaultDailyBudgetUsd;
    if (configured === undefined) continue;
    const routine = config.agentRoutines[spend.agent];
    // Behind a routine, the platform's limit is the budget: an approved override raised it there.
    const limitUsd = (routine && view.routineLimits.get(routine)) ?? configured;
    const spentUsd = cents(spend.spentUsd);
    events.push(
      routine
        ? signalEvent('routine.spend', routine, view.end, { routine, spentUsd, limitUsd, period: 'day', agent: spend.agent, origin: 'otlp' })
        : signalEvent('agent.spend', spend.agent, view.end, {
            agent: spend.agent,
            spentUsd,
            limitUsd,
            period: 'day',
            inputTokens: spend.inputTokens,
            outputTokens: spend.outputTokens,
            ...(spend.unpricedModels.length ? { unpricedModels: spend.unpricedModels.slice(0, 50).sort() } : {}),
          }),
    );
  }
  return events;
}
