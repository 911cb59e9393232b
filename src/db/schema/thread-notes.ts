import { bigint, bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * What people wrote in an incident's thread (Slack thread replies, console replies): the
 * incident's record beside what Triage did (src/incidents/thread-notes.ts). One row per message,
 * unique on where the platform says it lives, so a redelivered event or the same event twice is
 * one row; an edit rewrites `text`, a deletion empties it and sets `deleted_at` (kept as a
 * tombstone, so a late redelivery of the original cannot bring it back). Grows with traffic:
 * retention policy `thread_notes` (src/retention/policies.ts).
 */
export const threadNotes = pgTable(
  'thread_notes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** No foreign key: the incidents policy deletes incidents without knowing this table. */
    incidentId: bigint('incident_id', { mode: 'number' }).notNull(),
    platform: text('platform').notNull(),
    /** The platform's channel id (Slack `C…`), as the message event names it. */
    channel: text('channel').notNull(),
    /** The platform's id of the message (Slack: its ts). */
    messageId: text('message_id').notNull(),
    /** The Actor who wrote it, with their name as the platform shows it. */
    actor: jsonb('actor').notNull(),
    /** Plain text as typed; rendering escapes it. Empty once deleted. */
    text: text('text').notNull(),
    /** When it was written (Slack: from its ts): the order of the record. */
    at: at('at').notNull(),
    editedAt: at('edited_at'),
    deletedAt: at('deleted_at'),
    createdAt: at('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('thread_notes_message_uq').on(t.platform, t.channel, t.messageId),
    index('thread_notes_incident_idx').on(t.incidentId, t.at),
    index('thread_notes_at_idx').on(t.at),
  ],
);
