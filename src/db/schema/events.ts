import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Every accepted event, once. `eventKey` is the sender's id (or one we make up when it sent none),
 * unique per source: that is what makes a resent batch a counted duplicate instead of a second row.
 */
export const events = pgTable(
  'events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    source: text('source').notNull(),
    eventKey: text('event_key').notNull(),
    type: text('type').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    attributes: jsonb('attributes').notNull(),
    known: boolean('known').notNull(),
    /**
     * The id of the transaction that stored the row. Sequence numbers are handed out before
     * commit, so intake transactions can commit out of seq order; a reader that follows the log
     * by "tx below the oldest transaction still running" (src/events/log.ts) can never skip a row
     * that commits late. docs/architecture.md, "Following the event log".
     */
    // Nullable: rows stored before this column existed have none (the log is read from after
    // them), and adding it needs no rewrite of a large events table under an exclusive lock
    // (migrations/0010_cluster.sql adds the column first, then the default for new rows).
    tx: bigint('tx', { mode: 'number' }).default(sql`(pg_current_xact_id()::text::bigint)`),
  },
  (t) => [
    uniqueIndex('events_source_key_uq').on(t.source, t.eventKey),
    index('events_type_occurred_idx').on(t.type, t.occurredAt),
    // BRIN: rows are appended in (nearly) tx and received_at order, so a block-range summary finds
    // the log's tail and the window's newest hours for almost no cost per insert (bench/intake).
    index('events_tx_brin').using('brin', t.tx),
    index('events_received_brin').using('brin', t.receivedAt),
    // "View logs" on a budget approval: a routine's latest events. Partial, so the many events
    // that name no routine cost nothing to insert.
    index('events_routine_idx')
      .on(sql`(${t.attributes}->>'routine')`, t.occurredAt)
      .where(sql`(${t.attributes}->>'routine') is not null`),
  ],
);
