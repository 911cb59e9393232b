import { sql } from 'drizzle-orm';
import { afterAll, beforeEach, beforeAll, describe, expect, it } from 'vitest';
import { GenAiConfig } from '../../src/genai/config.js';
import { runGenAiSignals } from '../../src/genai/job.js';
import { recordCalls } from '../../src/genai/store.js';
import { createEventWriter, type EventWriter } from '../../src/intake/event-writer.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { call, calls, MINUTE, WINDOW_END } from './calls.js';

/** A tick 15 s into the minute after the window: its minute has settled (settleSeconds 10). */
const TICK = WINDOW_END + 15_000;

type StoredSignal = { type: string; event_key: string; occurred_at: unknown; attributes: Record<string, unknown> };

describe.each(oneDatabaseKind())('GenAI signals on %s', (kind) => {
  let database: TestDatabase;
  let writer: EventWriter;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    writer = createEventWriter(database, { maxRowsPerFlush: 1000 });
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => {
    await database.query(sql`delete from genai_rollups`);
    await database.query(sql`delete from events where source = 'otlp'`);
  });

  const signals = async (type: string) =>
    database.query<StoredSignal>(sql`select type, event_key, occurred_at, attributes from events where source = 'otlp' and type = ${type} order by event_key`);
  const derive = (config: Record<string, unknown> = {}, at = TICK) => runGenAiSignals({ database, writer, config: GenAiConfig.parse(config) }, at);

  it('reports a provider at 30% errors over 40 calls as degraded, a healthy one beside it as connected, and one with < 20 calls not at all', async () => {
    await recordCalls(database, [
      ...calls(40, { provider: 'openai' }, 12),
      ...calls(40, { provider: 'anthropic', model: 'claude-sonnet-4', durationMs: 9000 }),
      ...calls(19, { provider: 'mistral', model: 'mistral-large' }, 19),
    ]);
    await derive();
    const health = new Map((await signals('provider.health')).map((s) => [s.attributes.provider, s.attributes]));
    expect([...health.keys()].sort()).toEqual(['anthropic', 'openai']);
    expect(health.get('openai')).toMatchObject({ status: 'degraded', errorRate: 0.3, calls: 40, errors: 12, lastError: 'RateLimitError' });
    expect(health.get('anthropic')).toMatchObject({ status: 'connected', errorRate: 0, latencyLimitMs: 120_000 });
    expect(health.get('anthropic')!.latencyMs).toBeGreaterThan(5000);
  });

  it('reports a provider whose p95 is over two minutes as degraded, with no errors at all', async () => {
    await recordCalls(database, [...calls(30, { provider: 'openai' }), ...calls(10, { provider: 'openai', durationMs: 150_000 })]);
    await derive();
    const [openai] = await signals('provider.health');
    expect(openai!.attributes).toMatchObject({ provider: 'openai', status: 'degraded', errorRate: 0, latencyMs: 120_000 });
  });

  it('stores nothing new when the same window is derived again, as a second replica or the next tick would', async () => {
    await recordCalls(database, [...calls(40, {}, 12), ...calls(30, { operation: 'execute_tool', tool: 'query', mcpServer: 'db' }, 20)]);
    const first = await derive();
    expect(first.accepted).toBeGreaterThan(0);
    const again = await derive({}, TICK + 30_000);
    expect(again).toMatchObject({ windowEnd: WINDOW_END, accepted: 0, duplicates: first.accepted });
    expect((await signals('provider.health')).map((s) => s.event_key)).toEqual(['otlp:provider.health:openai:2026-05-03T15:00']);
    // The next minute is a new window, so a new report.
    expect((await derive({}, TICK + MINUTE)).accepted).toBeGreaterThan(0);
  });

  it('reports an MCP server as failing when most of its tool calls fail, naming the failing tools', async () => {
    await recordCalls(database, [
      ...calls(20, { operation: 'execute_tool', tool: 'query', mcpServer: 'database-query', error: 'pool exhausted' }),
      ...calls(10, { operation: 'execute_tool', tool: 'schema', mcpServer: 'database-query' }),
      ...calls(20, { operation: 'execute_tool', tool: 'fetch', mcpServer: 'web' }),
      ...calls(12, { operation: 'execute_tool', tool: 'calculator' }, 12),
    ]);
    await derive();
    const servers = new Map((await signals('mcp.health')).map((s) => [s.attributes.server, s.attributes]));
    expect(servers.get('database-query')).toMatchObject({ status: 'failing', failingTools: ['query'], error: '20 of 30 tool calls failed in 5 min (pool exhausted)' });
    expect(servers.get('web')).toMatchObject({ status: 'healthy' });
    expect((await signals('tool.calls')).map((s) => s.attributes)).toEqual([
      expect.objectContaining({ tool: 'calculator', calls: 12, failed: 12, errorRate: 1 }),
    ]);
  });

  it('reports a retry storm: a call repeated far above its hour\'s baseline', async () => {
    const baseline = Array.from({ length: 60 }, (_, m) => call({ operation: 'execute_tool', tool: 'search', mcpServer: 'web', minutesBefore: 6 + m }));
    const storm = calls(300, { operation: 'execute_tool', tool: 'search', mcpServer: 'web' }).map((c) => ({ ...c, endedAtMs: WINDOW_END - 30_000 }));
    const steady = Array.from({ length: 65 }, (_, m) => Array.from({ length: 25 }, () => call({ minutesBefore: 1 + m }))).flat();
    await recordCalls(database, [...baseline, ...storm, ...steady]);
    await derive();
    const [sample, ...others] = await signals('endpoint.calls');
    expect(others).toEqual([]);
    expect(sample!.attributes).toMatchObject({ endpoint: 'tool:web/search', callsPerMinute: 300, baselinePerMinute: 1 });
  });

  it('reports context pressure against the model\'s context window from config, with the threshold it was judged by', async () => {
    await recordCalls(database, [
      ...calls(5, { agent: 'researcher', model: 'gpt-4o-2024-08-06', inputTokens: 110_000 }),
      ...calls(5, { agent: 'summariser', model: 'gpt-4o', inputTokens: 20_000 }),
      ...calls(5, { agent: 'local', model: 'llama-3-8b', inputTokens: 7000 }),
    ]);
    await derive({ context: { models: { 'llama-3': 8192 } } });
    const usage = (await signals('context.usage')).map((s) => s.attributes);
    expect(usage).toEqual([
      expect.objectContaining({ agent: 'local', usedTokens: 7000, windowTokens: 8192, compactionThreshold: 0.75 }),
      expect.objectContaining({ agent: 'researcher', usedTokens: 110_000, windowTokens: 128_000, model: 'gpt-4o-2024-08-06' }),
    ]);
  });

  it('reports the all-clear once when a signal stops: the window after still reports it, the one after that does not', async () => {
    await recordCalls(database, calls(10, { operation: 'invoke_agent', agent: 'triager' }, 6).map((c) => ({ ...c, endedAtMs: WINDOW_END - 30_000 })));
    await recordCalls(database, calls(10, { operation: 'invoke_agent', agent: 'triager' }).map((c) => ({ ...c, endedAtMs: WINDOW_END + 30_000 })));
    await derive({ agentRuns: { minRuns: 5 }, agentRoutines: { triager: 'nightly-triage' } });
    // Five minutes later the failures are out of the window; the window before still had them.
    await derive({}, TICK + 5 * MINUTE);
    await derive({}, TICK + 6 * MINUTE);
    expect((await signals('agent.runs')).map((s) => [s.event_key, s.attributes.failed])).toEqual([
      ['otlp:agent.runs:triager:2026-05-03T15:00', 6],
      ['otlp:agent.runs:triager:2026-05-03T15:05', 0],
    ]);
    expect((await signals('agent.runs'))[0]!.attributes).toMatchObject({ runs: 10, errorRate: 0.6, routine: 'nightly-triage', lastError: 'RateLimitError' });
  });

  it('prices each agent\'s tokens today against its budget: the routine\'s spend where a routine runs it, the agent\'s otherwise', async () => {
    // 2M input and 400k output tokens of gpt-4o: $5 + $4.
    await recordCalls(database, [
      ...calls(2000, { agent: 'coder', model: 'gpt-4o' }),
      ...calls(2000, { agent: 'reviewer', model: 'gpt-4o' }),
      ...calls(10, { agent: 'reviewer', model: 'in-house-llm' }),
      ...calls(10, { agent: 'unbudgeted', model: 'gpt-4o' }),
    ]);
    await derive({ budgets: { coder: { dailyUsd: 5 }, reviewer: { dailyUsd: 20 } }, agentRoutines: { coder: 'daily-code-review' } });
    expect((await signals('routine.spend')).map((s) => s.attributes)).toEqual([
      expect.objectContaining({ routine: 'daily-code-review', spentUsd: 9, limitUsd: 5, period: 'day', agent: 'coder' }),
    ]);
    expect((await signals('agent.spend')).map((s) => s.attributes)).toEqual([
      expect.objectContaining({ agent: 'reviewer', spentUsd: 9, limitUsd: 20, inputTokens: 2_010_000, outputTokens: 402_000, unpricedModels: ['in-house-llm'] }),
    ]);
  });
  it("after an approved override the routine's spend is judged against the platform's raised limit, so its card does not come back", async () => {
    await recordCalls(database, calls(2000, { agent: 'coder', model: 'gpt-4o' }));
    // The platform's own report after the override: the limit went from $5 to $15.
    await writer.write([{ id: 'override-1', type: 'routine.spend', source: 'team-x', occurredAt: new Date(WINDOW_END - MINUTE).toISOString(), attributes: { routine: 'daily-code-review', spentUsd: 9, limitUsd: 15, period: 'day' }, known: true }]);
    await derive({ budgets: { coder: { dailyUsd: 5 } }, agentRoutines: { coder: 'daily-code-review' } });
    expect((await signals('routine.spend')).map((s) => s.attributes)).toEqual([expect.objectContaining({ routine: 'daily-code-review', spentUsd: 9, limitUsd: 15 })]);
    await database.query(sql`delete from events where source = 'team-x'`);
  });
});
