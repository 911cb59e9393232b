import { describe, expect, it } from 'vitest';
import { foldCalls, inKeyOrder, mergeByKey, splitAgentModel, type RollupRow } from '../../src/genai/fold.js';
import { bucketOf, emptyBuckets, LATENCY_BOUNDS_MS, quantileMs } from '../../src/genai/latency-buckets.js';
import { call, calls } from './calls.js';

const byId = (rows: Iterable<RollupRow>) => new Map([...rows].map((r) => [`${r.minute}|${r.dimension}|${r.key}`, r]));

/** Merges rows per minute too: what the upsert makes of two folds stored one after the other. */
function mergePerMinute(rows: RollupRow[]): Map<string, RollupRow> {
  const grouped = new Map<number, RollupRow[]>();
  for (const r of rows) grouped.set(r.minute, [...(grouped.get(r.minute) ?? []), structuredClone(r)]);
  return byId([...grouped.values()].flatMap((group) => [...mergeByKey(group).values()]));
}

describe('folding GenAI calls into per-minute rows', () => {
  it('counts each call once per dimension it belongs to, with errors, token sums, the largest input and its latency bucket', () => {
    const rows = byId(foldCalls([call({ inputTokens: 5000 }), call({ inputTokens: 9000, error: 'Timeout', durationMs: 130_000 })]));
    const minute = Date.parse('2026-05-03T14:59:00Z');
    const provider = rows.get(`${minute}|provider|openai`)!;
    expect(provider).toMatchObject({ calls: 2, errors: 1, inputTokens: 14_000, outputTokens: 400, maxInputTokens: 9000, lastError: 'Timeout' });
    expect(provider.latencyBuckets[bucketOf(800)]).toBe(1);
    expect(provider.latencyBuckets[LATENCY_BOUNDS_MS.length]).toBe(1);
    expect([...rows.values()].map((r) => r.dimension).sort()).toEqual(['agent', 'agent_model', 'model', 'op_call', 'provider']);
    expect(splitAgentModel(rows.get(`${minute}|agent_model|${'support-bot\u001fgpt-4o'}`)!.key)).toEqual({ agent: 'support-bot', model: 'gpt-4o' });
  });

  it('keys tools by their MCP server when the span names one, agent runs by agent (else service), and skips calls it cannot place', () => {
    const rows = foldCalls([
      call({ operation: 'execute_tool', tool: 'query', mcpServer: 'database-query' }),
      call({ operation: 'execute_tool', tool: 'web_search' }),
      call({ operation: 'invoke_agent', agent: undefined, service: 'billing-svc' }),
      call({ operation: 'execute_tool', tool: undefined }),
      call({ operation: 'chat', provider: undefined, model: undefined }),
    ]);
    expect(rows.map((r) => `${r.dimension}:${r.key}`).sort()).toEqual([
      'agent_run:billing-svc',
      'mcp_server:database-query',
      'op_call:tool:database-query/query',
      'op_call:tool:web_search',
      'tool:database-query/query',
      'tool:web_search',
    ]);
  });

  it('gives the same rows for two folds merged as for one fold of both requests', () => {
    const first = [...calls(37, {}, 5), ...calls(11, { provider: 'anthropic', model: 'claude-sonnet-4', durationMs: 4200 })];
    const second = [...calls(23, { durationMs: 70_000 }, 9), ...calls(8, { operation: 'execute_tool', tool: 'search', mcpServer: 'web' }, 2)];
    const merged = mergePerMinute([...foldCalls(first), ...foldCalls(second)]);
    const together = byId(foldCalls([...first, ...second]));
    expect(new Map([...merged].map(([k, r]) => [k, { ...r, lastError: undefined }]))).toEqual(new Map([...together].map(([k, r]) => [k, { ...r, lastError: undefined }])));
  });

  it('orders rows by minute, then dimension, then key, so concurrent upserts lock alike', () => {
    const rows = inKeyOrder(foldCalls([call({ provider: 'zeta' }), call({ provider: 'alpha' }), call({ provider: 'beta', minutesBefore: 2 })]));
    const providers = rows.filter((r) => r.dimension === 'provider').map((r) => r.key);
    expect(providers).toEqual(['beta', 'alpha', 'zeta']);
    const minuteThenDimension = rows.map((r) => `${r.minute}|${r.dimension}`);
    expect(minuteThenDimension).toEqual([...minuteThenDimension].sort());
  });
});

describe('percentiles from latency buckets', () => {
  const bucketsOf = (durations: number[]) => {
    const b = emptyBuckets();
    for (const d of durations) b[bucketOf(d)]!++;
    return b;
  };

  it('reads a percentile within the bucket that holds it, and the same from merged buckets as from all calls at once', () => {
    const fast = Array.from({ length: 90 }, () => 300);
    const slow = Array.from({ length: 10 }, () => 45_000);
    const merged = bucketsOf(fast).map((n, i) => n + bucketsOf(slow)[i]!);
    expect(merged).toEqual(bucketsOf([...fast, ...slow]));
    expect(quantileMs(merged, 0.5)).toBeGreaterThan(250);
    expect(quantileMs(merged, 0.5)).toBeLessThanOrEqual(500);
    expect(quantileMs(merged, 0.95)).toBeGreaterThan(30_000);
    expect(quantileMs(merged, 0.95)).toBeLessThanOrEqual(60_000);
  });

  it('says Infinity when the percentile is slower than the last bound (two minutes), and nothing with no calls', () => {
    expect(quantileMs(bucketsOf([...Array.from({ length: 94 }, () => 1000), ...Array.from({ length: 6 }, () => 150_000)]), 0.95)).toBe(Infinity);
    expect(quantileMs(bucketsOf(Array.from({ length: 96 }, () => 1000).concat([150_000])), 0.95)).toBeLessThanOrEqual(1000);
    expect(quantileMs(emptyBuckets(), 0.95)).toBeUndefined();
  });
});
