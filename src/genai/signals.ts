import type { AcceptedEvent } from '../events/envelope.js';
import { contextTokensOf, type GenAiConfig } from './config.js';
import { rounded, signalEvent } from './events.js';
import { splitAgentModel, type RollupRow } from './fold.js';
import { quantileMs, shownMs } from './latency-buckets.js';
import { spendSignals } from './spend.js';
import { stormSignals } from './storm.js';
import { ofDimension, rowOf, type WindowView } from './window.js';

/**
 * The catalog's agent signals from one window of GenAI rollups, as events of the vocabulary.
 * Each kind maps onto the event an existing catalog entry reads:
 * - provider degraded → provider.health (provider_degraded, provider_recovered);
 * - a failing tool of an MCP server → mcp.health (mcp_server_failing); of none → tool.calls;
 * - retry storm → endpoint.calls (retry_storm), src/genai/storm.ts;
 * - context pressure → context.usage (context_window_high);
 * - spend → routine.spend where a routine runs the agent (routine_budget_exhausted and its
 *   approval gate), agent.spend otherwise, src/genai/spend.ts;
 * - agent runs failing → agent.runs.
 * Pure: the same view and config give the same events, ids included (src/genai/events.ts).
 */
export function deriveSignals(view: WindowView, config: GenAiConfig): AcceptedEvent[] {
  return [
    ...providerSignals(view, config),
    ...mcpServerSignals(view, config),
    ...toolSignals(view, config),
    ...agentRunSignals(view, config),
    ...contextSignals(view, config),
    ...stormSignals(view, config),
    ...spendSignals(view, config),
  ].filter((e): e is AcceptedEvent => e !== undefined);
}

type Maybe = AcceptedEvent | undefined;
const errorRateOf = (row: RollupRow): number => (row.calls > 0 ? row.errors / row.calls : 0);
const lastError = (row: RollupRow) => (row.errors > 0 && row.lastError ? { lastError: row.lastError } : {});

/**
 * Every provider with enough calls, healthy ones included: a degraded provider's card names the
 * healthy ones seen in the same window, and a healthy report is what clears it.
 */
export function providerSignals(view: WindowView, config: GenAiConfig): Maybe[] {
  const limits = config.provider;
  return [...ofDimension(view.current, 'provider')]
    .filter((row) => row.calls >= limits.minCalls)
    .map((row) => {
      const errorRate = errorRateOf(row);
      const p95 = quantileMs(row.latencyBuckets, 0.95) ?? 0;
      const status = errorRate >= limits.downErrorRate ? 'down' : errorRate >= limits.errorRate || p95 > limits.p95LatencyMs ? 'degraded' : 'connected';
      return signalEvent('provider.health', row.key, view.end, {
        provider: row.key,
        latencyMs: shownMs(p95),
        errorRate: rounded(errorRate),
        status,
        // The limit this report was judged by: a model call's p95 is seconds, not a health probe's milliseconds.
        latencyLimitMs: limits.p95LatencyMs,
        calls: row.calls,
        errors: row.errors,
        windowMinutes: view.windowMinutes,
        origin: 'otlp',
        ...lastError(row),
      });
    });
}

/** Each MCP server with enough tool calls, by the share of them that failed; its failing tools named. */
export function mcpServerSignals(view: WindowView, config: GenAiConfig): Maybe[] {
  const limits = config.tools;
  return [...ofDimension(view.current, 'mcp_server')]
    .filter((row) => row.calls >= limits.minCalls)
    .map((row) => {
      const errorRate = errorRateOf(row);
      const status = errorRate >= limits.failingErrorRate ? 'failing' : errorRate >= limits.degradedErrorRate ? 'degraded' : 'healthy';
      const tools = failingTools(view, row.key);
      const words = `${row.errors} of ${row.calls} tool calls failed in ${view.windowMinutes} min${row.lastError ? ` (${row.lastError})` : ''}`;
      return signalEvent('mcp.health', row.key, view.end, {
        server: row.key,
        status,
        latencyMs: shownMs(quantileMs(row.latencyBuckets, 0.95) ?? 0),
        ...(status === 'healthy' ? {} : { error: words }),
        ...(tools.length ? { failingTools: tools } : {}),
        calls: row.calls,
        errors: row.errors,
        origin: 'otlp',
      });
    });
}

/** The server's tools that failed in the window, the most failures first (at most five). */
function failingTools(view: WindowView, server: string): string[] {
  const prefix = `${server}/`;
  return [...ofDimension(view.current, 'tool')]
    .filter((t) => t.errors > 0 && t.key.startsWith(prefix))
    .sort((a, b) => b.errors - a.errors || (a.key < b.key ? -1 : 1))
    .slice(0, 5)
    .map((t) => t.key.slice(prefix.length));
}

/** Tools that name no MCP server: reported while failing, and once more when they stop. */
export function toolSignals(view: WindowView, config: GenAiConfig): Maybe[] {
  const limits = config.tools;
  const servers = [...ofDimension(view.current, 'mcp_server')].map((s) => `${s.key}/`);
  const failing = (row: RollupRow | undefined) => !!row && row.calls >= limits.minCalls && errorRateOf(row) >= limits.failingErrorRate;
  return [...ofDimension(view.current, 'tool')]
    .filter((row) => !servers.some((prefix) => row.key.startsWith(prefix)))
    .filter((row) => failing(row) || failing(rowOf(view.previous, 'tool', row.key)))
    .map((row) =>
      signalEvent('tool.calls', row.key, view.end, {
        tool: row.key,
        calls: row.calls,
        failed: row.errors,
        errorRate: rounded(errorRateOf(row)),
        windowMinutes: view.windowMinutes,
        ...lastError(row),
      }),
    );
}

/** Agents whose runs (invoke_agent spans) fail: reported while failing, and once more when they stop. */
export function agentRunSignals(view: WindowView, config: GenAiConfig): Maybe[] {
  const limits = config.agentRuns;
  const failing = (row: RollupRow | undefined) => !!row && row.calls >= limits.minRuns && errorRateOf(row) >= limits.errorRate;
  return [...ofDimension(view.current, 'agent_run')]
    .filter((row) => failing(row) || failing(rowOf(view.previous, 'agent_run', row.key)))
    .map((row) => {
      const routine = config.agentRoutines[row.key];
      return signalEvent('agent.runs', row.key, view.end, {
        agent: row.key,
        runs: row.calls,
        failed: row.errors,
        errorRate: rounded(errorRateOf(row)),
        windowMinutes: view.windowMinutes,
        ...lastError(row),
        ...(routine ? { routine } : {}),
      });
    });
}

type Pressure = { agent: string; model: string; usedTokens: number; windowTokens: number; used: number };

/** Each agent's fullest context (its largest input against its model's window), per agent in a merged map. */
function pressures(rows: Map<string, RollupRow>, config: GenAiConfig): Map<string, Pressure> {
  const fullest = new Map<string, Pressure>();
  for (const row of ofDimension(rows, 'agent_model')) {
    const { agent, model } = splitAgentModel(row.key);
    const windowTokens = contextTokensOf(config, model);
    if (!windowTokens || row.maxInputTokens === 0) continue;
    const used = row.maxInputTokens / windowTokens;
    if (used > (fullest.get(agent)?.used ?? -1)) fullest.set(agent, { agent, model, usedTokens: row.maxInputTokens, windowTokens, used });
  }
  return fullest;
}

/** Agents whose largest input nears their model's context window: reported while high, and once more when it falls. */
export function contextSignals(view: WindowView, config: GenAiConfig): Maybe[] {
  const threshold = config.context.compactionThreshold;
  const before = pressures(view.previous, config);
  return [...pressures(view.current, config).values()]
    .filter((p) => p.used >= threshold || (before.get(p.agent)?.used ?? 0) >= threshold)
    .map((p) =>
      signalEvent('context.usage', p.agent, view.end, {
        agent: p.agent,
        usedTokens: p.usedTokens,
        windowTokens: p.windowTokens,
        compactionThreshold: threshold,
        model: p.model,
        origin: 'otlp',
      }),
    );
}
