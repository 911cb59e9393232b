import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import agentBudgetExceeded from '../../src/genai/catalog/agent-budget-exceeded.js';
import agentRunsFailing from '../../src/genai/catalog/agent-runs-failing.js';
import { healthyAlongside } from '../../src/genai/catalog/healthy-providers.js';
import toolFailing from '../../src/genai/catalog/tool-failing.js';
import { GenAiConfig } from '../../src/genai/config.js';
import { runGenAiSignals } from '../../src/genai/job.js';
import { recordCalls } from '../../src/genai/store.js';
import contextWindowHigh from '../../src/insights/catalog/context-window-high.js';
import { healthLimits } from '../../src/insights/catalog/provider-routing.js';
import mcpServerFailing from '../../src/insights/catalog/mcp-server-failing.js';
import providerDegraded from '../../src/insights/catalog/provider-degraded.js';
import retryStorm from '../../src/insights/catalog/retry-storm.js';
import routineBudgetExhausted from '../../src/insights/catalog/routine-budget-exhausted.js';
import type { Signal } from '../../src/insights/signal-window.js';
import { createEventWriter, type EventWriter, type StoredEvent } from '../../src/intake/event-writer.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { detect, windowOf } from '../support/signals.js';
import { call, calls, WINDOW_END } from './calls.js';

const TICK = WINDOW_END + 15_000;

/**
 * From spans to cards: calls are recorded and derived as the OTLP route and the leader do, and the
 * catalog entries read the events that come out. The new types are taken as known, as they are
 * once src/events/vocabulary.ts lists them.
 */
describe.each(oneDatabaseKind())('GenAI signals raise the catalog\'s cards (%s)', (kind) => {
  let database: TestDatabase;
  let writer: EventWriter;
  let stored: StoredEvent[] = [];
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    writer = createEventWriter(database, { maxRowsPerFlush: 1000 });
    writer.onStored((events) => stored.push(...events.map((e) => ({ ...e, known: true }))));
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => {
    stored = [];
    await database.query(sql`delete from genai_rollups`);
    await database.query(sql`delete from events where source = 'otlp'`);
  });

  const derive = async (config: Record<string, unknown> = {}) => {
    await runGenAiSignals({ database, writer, config: GenAiConfig.parse(config) }, TICK);
    return stored;
  };

  it('raises one provider_degraded card, naming the degraded provider and the healthy one seen in the same window', async () => {
    await recordCalls(database, [...calls(40, { provider: 'openai' }, 12), ...calls(40, { provider: 'anthropic', model: 'claude-sonnet-4' })]);
    const events = await derive();
    const detections = detect(providerDegraded, events, { now: WINDOW_END });
    expect(detections.map((d) => d.scope)).toEqual(['openai']);
    expect(detections[0]!.summary).toBe('Provider openai degraded (error rate 30%).');
    const window = windowOf(events);
    const openai = window.all('provider.health').find((s) => s.attributes.provider === 'openai') as Signal<'provider.health'>;
    expect(healthyAlongside(window, WINDOW_END, openai, healthLimits.parse({}))).toEqual([{ label: 'Healthy in the same window', value: 'anthropic' }]);
  });

  it('raises no card for a healthy provider', async () => {
    await recordCalls(database, calls(40, { provider: 'anthropic', model: 'claude-sonnet-4' }));
    expect(detect(providerDegraded, await derive(), { now: WINDOW_END })).toEqual([]);
  });

  it('raises mcp_server_failing for an MCP server whose tools fail, and tool_failing for a failing tool of no server', async () => {
    await recordCalls(database, [
      ...calls(20, { operation: 'execute_tool', tool: 'query', mcpServer: 'database-query', error: 'pool exhausted' }),
      ...calls(12, { operation: 'execute_tool', tool: 'calculator' }, 12),
    ]);
    const events = await derive();
    expect(detect(mcpServerFailing, events, { now: WINDOW_END }).map((d) => d.summary)).toEqual([
      'MCP server "database-query" failing (20 of 20 tool calls failed in 5 min (pool exhausted)).',
    ]);
    const [tool] = detect(toolFailing, events, { now: WINDOW_END });
    expect(tool).toMatchObject({ scope: 'calculator', summary: 'Tool calculator: 12 of 12 calls failed in 5 min (100%).' });
  });

  it('raises retry_storm for a call far above its baseline', async () => {
    await recordCalls(database, [
      ...Array.from({ length: 60 }, (_, m) => call({ operation: 'execute_tool', tool: 'search', mcpServer: 'web', minutesBefore: 6 + m })),
      ...calls(300, { operation: 'execute_tool', tool: 'search', mcpServer: 'web' }).map((c) => ({ ...c, endedAtMs: WINDOW_END - 30_000 })),
    ]);
    const [storm] = detect(retryStorm, await derive(), { now: WINDOW_END });
    expect(storm).toMatchObject({ scope: 'tool:web/search', summary: 'Retry storm on tool:web/search: 300 calls/min (300× baseline).' });
  });

  it('raises context_window_high for an agent near its model\'s context window', async () => {
    await recordCalls(database, calls(3, { agent: 'researcher', model: 'claude-sonnet-4-20250514', inputTokens: 180_000 }));
    const [high] = detect(contextWindowHigh, await derive(), { now: WINDOW_END });
    expect(high!.summary).toBe('Context window at 90% for researcher (compaction threshold 75%).');
  });

  it('raises agent_runs_failing, offering to pause the routine behind the agent', async () => {
    await recordCalls(database, calls(10, { operation: 'invoke_agent', agent: 'triager', error: 'ToolError' }));
    const [runs] = detect(agentRunsFailing, await derive({ agentRoutines: { triager: 'nightly-triage' } }), { now: WINDOW_END });
    expect(runs).toMatchObject({ scope: 'triager', severity: 'critical', summary: 'Agent triager: 10 of 10 runs failed in 5 min (100%).' });
    expect(agentRunsFailing.actions(runs!).map((a) => [a.action, a.target?.id])).toEqual([
      ['pause_routine', 'nightly-triage'],
      ['run_doctor', undefined],
      ['dismiss', undefined],
    ]);
  });

  it('puts an agent with a routine over budget through routine_budget_exhausted, and warns with the spend for one without', async () => {
    await recordCalls(database, [...calls(2000, { agent: 'coder' }), ...calls(2000, { agent: 'reviewer' })]);
    const events = await derive({ budgets: { coder: { dailyUsd: 5 }, reviewer: { dailyUsd: 5 } }, agentRoutines: { coder: 'daily-code-review' } });
    const [routine] = detect(routineBudgetExhausted, events, { now: WINDOW_END });
    expect(routine).toMatchObject({ scope: 'daily-code-review', summary: 'Routine "daily-code-review" exhausted its budget.' });
    const [agent] = detect(agentBudgetExceeded, events, { now: WINDOW_END });
    expect(agent).toMatchObject({ scope: 'reviewer', summary: 'Agent reviewer spent $9.00 today, 180% of its $5.00 daily budget.' });
    expect(agent!.fields).toContainEqual({ label: 'Tokens', value: '2,000,000 in, 400,000 out' });
  });
});
