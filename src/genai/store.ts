import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client.js';
import type { GenAiCall } from '../intake/otlp/genai-call.js';
import { DIMENSIONS, foldCalls, inKeyOrder, type Dimension, type RollupRow } from './fold.js';

export type Recorded = { rows: number };

/**
 * Folds one request's calls and adds them to genai_rollups in ONE statement, before the OTLP
 * route answers: a span is durable once acknowledged, and never a row of its own.
 *
 * Rows travel as one JSON parameter expanded by jsonb_to_recordset, as the event writer's do
 * (src/intake/event-rows.ts): one bind value whatever the row count, the same SQL on PGlite and
 * PostgreSQL. A row already there (another request, another replica, the same minute) is added
 * to: counts and sums add, latency buckets add element-wise, the maximum stays the maximum. Rows
 * go in primary-key order, so two requests upserting the same keys lock them in the same order
 * and one waits for the other instead of deadlocking.
 */
export async function recordCalls(database: Database, calls: readonly GenAiCall[]): Promise<Recorded> {
  const rows = inKeyOrder(foldCalls(calls));
  if (rows.length) await upsertRows(database, rows);
  return { rows: rows.length };
}

export async function upsertRows(database: Database, rows: readonly RollupRow[]): Promise<void> {
  const payload = JSON.stringify(
    rows.map((r) => ({
      m: new Date(r.minute).toISOString(),
      d: r.dimension,
      k: r.key,
      c: r.calls,
      e: r.errors,
      i: r.inputTokens,
      o: r.outputTokens,
      x: r.maxInputTokens,
      b: r.latencyBuckets,
      l: r.lastError ?? null,
    })),
  );
  await database.query(sql`
    insert into genai_rollups as g
      (minute, dimension, key, calls, errors, input_tokens, output_tokens, max_input_tokens, latency_buckets, last_error)
    select m, d, k, c, e, i, o, x, b, l
      from rows from (jsonb_to_recordset(${payload}::jsonb)
        as (m timestamptz, d text, k text, c int, e int, i bigint, o bigint, x int, b int[], l text)) with ordinality
        as r(m, d, k, c, e, i, o, x, b, l, n)
      order by n
    on conflict (minute, dimension, key) do update set
      calls = g.calls + excluded.calls,
      errors = g.errors + excluded.errors,
      input_tokens = g.input_tokens + excluded.input_tokens,
      output_tokens = g.output_tokens + excluded.output_tokens,
      max_input_tokens = greatest(g.max_input_tokens, excluded.max_input_tokens),
      latency_buckets = (
        select array_agg(coalesce(a, 0) + coalesce(b, 0) order by i)
          from unnest(g.latency_buckets, excluded.latency_buckets) with ordinality as u(a, b, i)),
      last_error = coalesce(excluded.last_error, g.last_error)`);
}

const StoredRow = z.object({
  minute: z.coerce.date(),
  dimension: z.enum(DIMENSIONS),
  key: z.string(),
  calls: z.coerce.number(),
  errors: z.coerce.number(),
  input_tokens: z.coerce.number(),
  output_tokens: z.coerce.number(),
  max_input_tokens: z.coerce.number(),
  // postgres.js parses int[] into numbers; PGlite too. Coerced anyway: the wire may give strings.
  latency_buckets: z.array(z.coerce.number()),
  last_error: z.string().nullable(),
});

/** Rows of the given dimensions with fromMs ≤ minute < toMs, read back through zod. */
export async function readRollups(database: Database, dimensions: readonly Dimension[], fromMs: number, toMs: number): Promise<RollupRow[]> {
  const rows = await database.query(sql`
    select minute, dimension, key, calls, errors, input_tokens, output_tokens, max_input_tokens, latency_buckets, last_error
      from genai_rollups
     where dimension in (${sql.join(dimensions.map((d) => sql`${d}`), sql`, `)})
       and minute >= ${new Date(fromMs).toISOString()}::timestamptz and minute < ${new Date(toMs).toISOString()}::timestamptz`);
  return rows.map((raw) => {
    const r = StoredRow.parse(raw);
    return {
      minute: r.minute.getTime(),
      dimension: r.dimension,
      key: r.key,
      calls: r.calls,
      errors: r.errors,
      inputTokens: r.input_tokens,
      outputTokens: r.output_tokens,
      maxInputTokens: r.max_input_tokens,
      latencyBuckets: r.latency_buckets,
      ...(r.last_error !== null ? { lastError: r.last_error } : {}),
    };
  });
}

const Sums = z.object({ key: z.string(), calls: z.coerce.number(), input_tokens: z.coerce.number(), output_tokens: z.coerce.number() });
export type Sums = { calls: number; inputTokens: number; outputTokens: number };

/** Per key of one dimension, the calls and tokens of fromMs ≤ minute < toMs, summed by the server (baselines, a day's spend). */
export async function sumRollups(database: Database, dimension: Dimension, fromMs: number, toMs: number): Promise<Map<string, Sums>> {
  const rows = await database.query(sql`
    select key, sum(calls) as calls, sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens
      from genai_rollups
     where dimension = ${dimension}
       and minute >= ${new Date(fromMs).toISOString()}::timestamptz and minute < ${new Date(toMs).toISOString()}::timestamptz
     group by key`);
  return new Map(
    rows.map((raw) => {
      const r = Sums.parse(raw);
      return [r.key, { calls: r.calls, inputTokens: r.input_tokens, outputTokens: r.output_tokens }];
    }),
  );
}
