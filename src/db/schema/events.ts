import { bigserial, boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

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
  },
  (t) => [
    uniqueIndex('events_source_key_uq').on(t.source, t.eventKey),
    index('events_type_occurred_idx').on(t.type, t.occurredAt),
  ],
);
