import type { GenAiCall, GenAiOperation } from '../intake/otlp/genai-call.js';
import { addBuckets, bucketOf, BUCKET_COUNT } from './latency-buckets.js';

/**
 * What one rollup row counts calls by (genai_rollups.dimension). Each GenAI call adds to the
 * rows its signals need, and to no others:
 * - provider, model, agent_model: model calls (chat, completions, embeddings...): provider
 *   health, context pressure and spend (src/genai/signals.ts);
 * - agent: model calls per agent (or service), for token burn per agent;
 * - agent_run: invoke_agent spans, for agent runs failing;
 * - tool, mcp_server: execute_tool spans, for tools (and MCP servers) failing;
 * - op_call: the repeated call a retry storm is made of, a tool or a provider's model.
 */
export const DIMENSIONS = ['provider', 'model', 'agent', 'agent_model', 'agent_run', 'tool', 'mcp_server', 'op_call'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/**
 * Joins the agent and the model in an agent_model key. Not NUL: PostgreSQL text (and jsonb)
 * cannot hold it; the unit separator can, and no agent or model name contains it.
 */
export const KEY_SEPARATOR = '\u001f';
export const agentModelKey = (agent: string, model: string): string => `${agent}${KEY_SEPARATOR}${model}`;
export function splitAgentModel(key: string): { agent: string; model: string } {
  const at = key.indexOf(KEY_SEPARATOR);
  return { agent: key.slice(0, at), model: key.slice(at + 1) };
}

export type RollupRow = {
  /** The minute's start, ms since the epoch. */
  minute: number;
  dimension: Dimension;
  key: string;
  calls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  maxInputTokens: number;
  latencyBuckets: number[];
  lastError?: string;
};

const MINUTE = 60_000;
/** Event attributes name things in at most 200 characters (src/events/vocabulary.ts). */
const MAX_NAME = 200;
const MAX_ERROR = 300;
const MODEL_OPERATIONS: ReadonlySet<GenAiOperation> = new Set(['chat', 'text_completion', 'generate_content', 'embeddings', 'other']);

const name = (value: string | undefined): string | undefined => (value ? value.slice(0, MAX_NAME) : undefined);

/** The rows one call adds to, as [dimension, key] pairs, into `out` (reused: no array per call). */
function keysOf(call: GenAiCall, out: Array<[Dimension, string]>): void {
  out.length = 0;
  const agent = name(call.agent) ?? name(call.service);
  if (call.operation === 'execute_tool') {
    const tool = name(call.tool);
    if (!tool) return;
    const server = name(call.mcpServer);
    const toolKey = server ? `${server}/${tool}`.slice(0, MAX_NAME) : tool;
    out.push(['tool', toolKey], ['op_call', `tool:${toolKey}`]);
    if (server) out.push(['mcp_server', server]);
    return;
  }
  if (call.operation === 'invoke_agent') {
    if (agent) out.push(['agent_run', agent]);
    return;
  }
  if (!MODEL_OPERATIONS.has(call.operation)) return;
  const provider = name(call.provider);
  const model = name(call.model);
  if (!provider && !model) return;
  if (provider) out.push(['provider', provider]);
  if (model) out.push(['model', model]);
  if (agent) out.push(['agent', agent]);
  if (agent && model) out.push(['agent_model', agentModelKey(agent, model)]);
  out.push(['op_call', `model:${provider ?? '?'}/${model ?? '?'}`]);
}

const rowId = (minute: number, dimension: string, key: string): string => `${minute}\u0000${dimension}\u0000${key}`;

/**
 * Folds calls into one row per minute (of the call's end), dimension and key: what the OTLP
 * route stores before it answers (src/genai/store.ts), so a request of thousands of spans
 * becomes a few rows. One Map per request; rows are created only for new keys.
 */
export function foldCalls(calls: readonly GenAiCall[]): RollupRow[] {
  const rows = new Map<string, RollupRow>();
  const keys: Array<[Dimension, string]> = [];
  for (const call of calls) {
    keysOf(call, keys);
    if (keys.length === 0) continue;
    const minute = Math.floor(call.endedAtMs / MINUTE) * MINUTE;
    const bucket = bucketOf(call.durationMs);
    const error = call.error ? call.error.slice(0, MAX_ERROR) : undefined;
    for (const [dimension, key] of keys) {
      const id = rowId(minute, dimension, key);
      let row = rows.get(id);
      if (!row) rows.set(id, (row = emptyRow(minute, dimension, key)));
      row.calls++;
      row.inputTokens += call.inputTokens;
      row.outputTokens += call.outputTokens;
      if (call.inputTokens > row.maxInputTokens) row.maxInputTokens = call.inputTokens;
      row.latencyBuckets[bucket]!++;
      if (error) {
        row.errors++;
        row.lastError = error;
      }
    }
  }
  return [...rows.values()];
}

export const emptyRow = (minute: number, dimension: Dimension, key: string): RollupRow => ({
  minute,
  dimension,
  key,
  calls: 0,
  errors: 0,
  inputTokens: 0,
  outputTokens: 0,
  maxInputTokens: 0,
  latencyBuckets: new Array<number>(BUCKET_COUNT).fill(0),
});

/** Adds `from` into `into`, as the upsert does in SQL: counts and sums add, the maximum stays the maximum. */
export function mergeRow(into: RollupRow, from: RollupRow): RollupRow {
  into.calls += from.calls;
  into.errors += from.errors;
  into.inputTokens += from.inputTokens;
  into.outputTokens += from.outputTokens;
  into.maxInputTokens = Math.max(into.maxInputTokens, from.maxInputTokens);
  addBuckets(into.latencyBuckets, from.latencyBuckets);
  if (from.lastError !== undefined) into.lastError = from.lastError;
  return into;
}

/** Merges rows of any minutes into one per dimension and key: a window's totals. */
export function mergeByKey(rows: readonly RollupRow[]): Map<string, RollupRow> {
  const merged = new Map<string, RollupRow>();
  for (const row of rows) {
    const id = `${row.dimension}\u0000${row.key}`;
    const into = merged.get(id) ?? emptyRow(row.minute, row.dimension, row.key);
    merged.set(id, mergeRow(into, row));
  }
  return merged;
}

/** Rows in primary-key order (minute, dimension, key): concurrent upserts then lock rows in one order and cannot deadlock. */
export function inKeyOrder(rows: readonly RollupRow[]): RollupRow[] {
  return [...rows].sort((a, b) => a.minute - b.minute || compare(a.dimension, b.dimension) || compare(a.key, b.key));
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
