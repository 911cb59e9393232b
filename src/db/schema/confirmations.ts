import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A Discord "are you sure?" asked privately for a card action with `confirm`: kept in the
 * database, not a process, so the Yes can reach any replica (or this one after a restart).
 * Answering deletes the row, atomically, so two Yes clicks act once.
 */
export const discordConfirmations = pgTable(
  'discord_confirmations',
  {
    key: text('key').primaryKey(),
    actionId: text('action_id').notNull(),
    channelId: text('channel_id').notNull(),
    messageId: text('message_id').notNull(),
    askedAt: at('asked_at').notNull(),
    expiresAt: at('expires_at').notNull(),
  },
  (t) => [index('discord_confirmations_expires_idx').on(t.expiresAt)],
);
