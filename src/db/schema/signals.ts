import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * The newest state of every external alert (src/alerts/board.ts), per origin and dedup key. The
 * evaluator's window keeps six hours of events, but an alert stays triggered until its sender
 * resolves it (or the expiry it stated passes): this row is what a new leader restores.
 */
export const alertStates = pgTable(
  'alert_states',
  {
    origin: text('origin').notNull(),
    key: text('key').notNull(),
    status: text('status').notNull(),
    /** The whole BoardAlert (src/alerts/model.ts), parsed back on read. */
    alert: jsonb('alert').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.origin, t.key] }), index('alert_states_open_idx').on(t.status, t.updatedAt)],
);

/**
 * GenAI calls from OpenTelemetry spans, folded per minute and dimension (provider, model, agent,
 * tool...) before the request is answered (src/genai/). Rows only ever add: two replicas folding
 * the same minute merge by addition, and fixed latency buckets make percentiles mergeable.
 */
export const genaiRollups = pgTable(
  'genai_rollups',
  {
    minute: at('minute').notNull(),
    dimension: text('dimension').notNull(),
    key: text('key').notNull(),
    calls: integer('calls').notNull(),
    errors: integer('errors').notNull(),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull(),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull(),
    maxInputTokens: integer('max_input_tokens').notNull(),
    /** Counts per fixed latency bucket (boundaries in src/genai/latency-buckets.ts). */
    latencyBuckets: integer('latency_buckets').array().notNull(),
    /** One error type seen this minute, for the card's words. */
    lastError: text('last_error'),
  },
  (t) => [primaryKey({ columns: [t.minute, t.dimension, t.key] })],
);
