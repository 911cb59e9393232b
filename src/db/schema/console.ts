import { bigint, bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex, type AnyPgColumn } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * The local web console's chat history: what Slack keeps for a Slack workspace, the embedded
 * default keeps here, so cards survive a restart of `npm start`. One row per message; a thread
 * reply names its parent, a private reply names the one person who may see it.
 */
export const consoleMessages = pgTable(
  'console_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    channel: text('channel').notNull(),
    threadOf: bigint('thread_of', { mode: 'number' }).references((): AnyPgColumn => consoleMessages.id, { onDelete: 'cascade' }),
    /** A Card (src/chat/card.ts); parsed with zod when read back. */
    card: jsonb('card').notNull(),
    /** Set for private replies: only this person id sees the message. */
    visibleTo: text('visible_to'),
    /**
     * The outbox's key for the send (invariant 3): a worker that died after the insert committed
     * retries with the same key and gets the same message back instead of a second copy.
     */
    idempotencyKey: text('idempotency_key'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('console_messages_channel_idx').on(t.channel, t.id),
    index('console_messages_thread_idx').on(t.threadOf),
    // NULLs are distinct in a unique index: only keyed sends (the outbox's) are deduplicated.
    uniqueIndex('console_messages_idempotency_uq').on(t.idempotencyKey),
  ],
);
