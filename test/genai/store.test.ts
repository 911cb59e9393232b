import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldCalls, mergeByKey } from '../../src/genai/fold.js';
import { readRollups, recordCalls } from '../../src/genai/store.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { call, calls, MINUTE, WINDOW_END } from './calls.js';

describe.each(databaseKinds())('GenAI rollups on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());

  const stored = async (fromMs = WINDOW_END - 10 * MINUTE) =>
    mergeByKey(await readRollups(database, ['provider', 'model', 'agent', 'agent_model', 'op_call', 'tool', 'mcp_server', 'agent_run'], fromMs, WINDOW_END));

  it('stores a request of many spans as a few rows, one per minute and key', async () => {
    const request = calls(500, {}, 40);
    const recorded = await recordCalls(database, request);
    // 5 minutes × (provider, model, agent, agent_model, op_call).
    expect(recorded.rows).toBe(25);
    const rows = await readRollups(database, ['provider'], WINDOW_END - 10 * MINUTE, WINDOW_END);
    expect(rows.map((r) => r.calls)).toEqual([100, 100, 100, 100, 100]);
    expect(rows.reduce((n, r) => n + r.errors, 0)).toBe(40);
  });

  it('adds concurrent requests for the same minutes and keys into the same rows: counts, tokens and buckets add, the maximum stays', async () => {
    const before = await stored();
    const requests = Array.from({ length: 12 }, (_, i) => [
      ...calls(30, { durationMs: 200 * (i + 1), inputTokens: 100 * (i + 1) }, i % 3),
      call({ operation: 'execute_tool', tool: 'query', mcpServer: 'database-query', minutesBefore: 1 + (i % 5) }),
    ]);
    await Promise.all(requests.map((r) => recordCalls(database, r)));
    const after = await stored();
    const expected = mergeByKey([...before.values(), ...requests.flatMap((r) => foldCalls(r))]);
    for (const [id, row] of expected) {
      expect({ ...after.get(id), lastError: undefined, minute: 0 }, id).toEqual({ ...row, lastError: undefined, minute: 0 });
    }
    expect(after.get('provider\u0000openai')!.maxInputTokens).toBe(1200);
  });
});
