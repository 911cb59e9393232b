import { z } from 'zod';

/**
 * The `genai:` section of triage.config.yml: how the leader turns OpenTelemetry GenAI rollups
 * (src/genai/store.ts) into the catalog's agent signals (src/genai/signals.ts). Every default is
 * the seeds' number where they give one, and stated here where they do not.
 */
const ratio = z.number().min(0).max(1);
const positiveInt = z.number().int().positive();

/** USD per million tokens, as providers publish prices. */
export const ModelPrice = z.strictObject({ inputPerMillionUsd: z.number().min(0), outputPerMillionUsd: z.number().min(0) });
export type ModelPrice = z.infer<typeof ModelPrice>;

/**
 * Context windows in tokens, matched against the span's model by the longest name that starts it
 * ("gpt-4o-2024-08-06" is "gpt-4o"). Entries in config are added to these, and win on a clash.
 */
export const DEFAULT_CONTEXT_TOKENS: Record<string, number> = {
  'gpt-4o': 128_000,
  'gpt-4o-mini': 128_000,
  'gpt-4.1': 1_047_576,
  'gpt-4.1-mini': 1_047_576,
  'o3': 200_000,
  'o4-mini': 200_000,
  'claude-opus-4': 200_000,
  'claude-sonnet-4': 200_000,
  'claude-3-7-sonnet': 200_000,
  'claude-3-5-sonnet': 200_000,
  'claude-3-5-haiku': 200_000,
  'gemini-2.5-pro': 1_048_576,
  'gemini-2.5-flash': 1_048_576,
  'gemini-2.0-flash': 1_048_576,
};

/** List prices (USD per 1M tokens) as the providers published them in 2025; set yours in config. A model with no price counts tokens only. */
export const DEFAULT_PRICES: Record<string, ModelPrice> = {
  'gpt-4o': { inputPerMillionUsd: 2.5, outputPerMillionUsd: 10 },
  'gpt-4o-mini': { inputPerMillionUsd: 0.15, outputPerMillionUsd: 0.6 },
  'gpt-4.1': { inputPerMillionUsd: 2, outputPerMillionUsd: 8 },
  'gpt-4.1-mini': { inputPerMillionUsd: 0.4, outputPerMillionUsd: 1.6 },
  'o3': { inputPerMillionUsd: 2, outputPerMillionUsd: 8 },
  'claude-opus-4': { inputPerMillionUsd: 15, outputPerMillionUsd: 75 },
  'claude-sonnet-4': { inputPerMillionUsd: 3, outputPerMillionUsd: 15 },
  'claude-3-5-haiku': { inputPerMillionUsd: 0.8, outputPerMillionUsd: 4 },
  'gemini-2.5-pro': { inputPerMillionUsd: 1.25, outputPerMillionUsd: 10 },
  'gemini-2.5-flash': { inputPerMillionUsd: 0.3, outputPerMillionUsd: 2.5 },
};

export const GenAiConfig = z
  .object({
    /** How often the leader derives signals; a divisor of 60 (a cron slot every N seconds). */
    everySeconds: z.number().int().min(1).max(60).refine((s) => 60 % s === 0, 'must divide 60 (e.g. 5, 10, 15, 30, 60)').default(15),
    /** The window each signal is judged over, in whole minutes (the issue: 5). */
    windowMinutes: positiveInt.max(60).default(5),
    /**
     * Spans reach Triage after their minute ends (exporters batch for ~5 s): a minute is judged
     * this long after it ends, so its late spans are in. Default 10 s.
     */
    settleSeconds: z.number().int().min(0).max(50).default(10),
    provider: z
      .strictObject({
        /** Fewer calls in the window say nothing either way (the issue: ≥ 20). */
        minCalls: positiveInt.default(20),
        /** Degraded at or above this error rate (the seed's failover trigger: 10%). */
        errorRate: ratio.default(0.1),
        /** Degraded when p95 latency is over this (the seed: "timeout > 2 min"). */
        p95LatencyMs: z.number().positive().default(120_000),
        /** Down at or above this error rate: every call failed. */
        downErrorRate: ratio.default(1),
      })
      .prefault({}),
    tools: z
      .strictObject({
        minCalls: positiveInt.default(10),
        /** An MCP server is reported degraded at this error rate of its tool calls... */
        degradedErrorRate: ratio.default(0.1),
        /** ...and failing (mcp_server_failing's card, or tool_failing's for a tool with no server) at this one. */
        failingErrorRate: ratio.default(0.5),
      })
      .prefault({}),
    agentRuns: z
      .strictObject({
        minRuns: positiveInt.default(5),
        /** invoke_agent spans in error at or above this share of the agent's runs. */
        errorRate: ratio.default(0.2),
      })
      .prefault({}),
    retryStorm: z
      .strictObject({
        /** The baseline: calls per minute over this long before the window (the issue: an hour). */
        baselineMinutes: positiveInt.max(24 * 60).default(60),
        /** A storm: the busiest minute at this multiple of the baseline (retry_storm's own default)... */
        baselineMultiple: z.number().positive().default(5),
        /** ...or at this many calls per minute whatever the baseline (retry_storm's own default)... */
        callsPerMinute: z.number().positive().default(1000),
        /** ...and never below this many calls per minute: a tool called twice instead of once is no storm. */
        minCallsPerMinute: z.number().positive().default(20),
      })
      .prefault({}),
    context: z
      .strictObject({
        /** Reported at this share of the model's context window (the research's ContextManager: 0.75). */
        compactionThreshold: ratio.default(0.75),
        /** Model name (or the start of it) → context window in tokens, added to DEFAULT_CONTEXT_TOKENS. */
        models: z.record(z.string().min(1), positiveInt).default({}),
      })
      .prefault({}),
    /** Model name (or the start of it) → price, added to DEFAULT_PRICES. */
    prices: z.record(z.string().min(1), ModelPrice).default({}),
    /** Agent (gen_ai.agent.name, else the service.name) → its spend limit per UTC day, in USD. */
    budgets: z.record(z.string().min(1), z.strictObject({ dailyUsd: z.number().positive() })).default({}),
    /** The limit for agents `budgets` does not name; none by default (their tokens are counted, not judged). */
    defaultDailyBudgetUsd: z.number().positive().optional(),
    /**
     * Agent → the platform routine that runs it. Its spend is reported as the routine's
     * (routine.spend), so routine_budget_exhausted and its approval gate apply, and its runs
     * failing offer to pause it.
     */
    agentRoutines: z.record(z.string().min(1), z.string().min(1).max(200)).default({}),
  })
  .prefault({});
export type GenAiConfig = z.infer<typeof GenAiConfig>;

/**
 * The entry of `table` whose name is the longest start of `model` (case-insensitive), or of the
 * part after a vendor prefix ("openai/gpt-4o", Bedrock's "anthropic.claude-3-5-haiku-…").
 */
export function byModelName<T>(table: Record<string, T>, model: string): T | undefined {
  const name = model.toLowerCase();
  const starts = (k: string): boolean => name.startsWith(k) || name.includes(`/${k}`) || name.includes(`.${k}`);
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    const k = key.toLowerCase();
    if (starts(k) && (best === undefined || k.length > best.length)) best = key;
  }
  return best === undefined ? undefined : table[best];
}

export const contextTokensOf = (config: GenAiConfig, model: string): number | undefined =>
  byModelName({ ...DEFAULT_CONTEXT_TOKENS, ...config.context.models }, model);

export const priceOf = (config: GenAiConfig, model: string): ModelPrice | undefined => byModelName({ ...DEFAULT_PRICES, ...config.prices }, model);

export const cronOf = (config: GenAiConfig): string => (config.everySeconds === 60 ? '0 * * * * *' : `*/${config.everySeconds} * * * * *`);
