import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * The durable chat outbox: every card post and update is a row before anything is sent, so a
 * crash, a chat outage or a rate limit delays a card but never loses it (invariant 6). Workers on
 * any replica claim due rows with FOR UPDATE SKIP LOCKED and a lease (invariant 7).
 * All times are written by the outbox from its own clock, never `now()`, so tests can move time.
 */
export const chatOutbox = pgTable(
  'chat_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** 'post' | 'update'; parsed with zod when read. */
    kind: text('kind').notNull(),
    platform: text('platform').notNull(),
    channel: text('channel').notNull(),
    /** Which card this is (`insight:42:1`): one message per card key and channel. */
    cardKey: text('card_key').notNull(),
    /** For a post in the thread of another card's message (incident minutes under the incident). */
    threadCardKey: text('thread_card_key'),
    card: jsonb('card').notNull(),
    /** 0 critical, 1 warning, 2 info: lower goes first. */
    priority: integer('priority').notNull(),
    /** 'pending' | 'in_flight' | 'sent' | 'failed'. */
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    /**
     * Rate-limit answers (429) waited out. A 429 gives its attempt back (the platform said when to
     * come again; a long rate-limit window must not use up a card's attempts), and this bounds
     * how many such waits a row gets instead (src/chat/outbox/settle.ts).
     */
    rateLimitedWaits: integer('rate_limited_waits').notNull().default(0),
    availableAt: at('available_at').notNull(),
    /** Set per claim: a worker whose lease expired cannot settle a row someone else re-claimed. */
    claimToken: text('claim_token'),
    claimedAt: at('claimed_at'),
    leaseUntil: at('lease_until'),
    lastError: text('last_error'),
    messageId: text('message_id'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
    sentAt: at('sent_at'),
  },
  (t) => [
    // A card is posted to a channel once, ever: re-publishing folds into this row instead.
    uniqueIndex('chat_outbox_post_uq').on(t.platform, t.channel, t.cardKey).where(sql`kind = 'post'`),
    // Queued updates of one card coalesce into one row (latest card wins) by upsert.
    uniqueIndex('chat_outbox_pending_update_uq')
      .on(t.platform, t.channel, t.cardKey)
      .where(sql`kind = 'update' and status = 'pending'`),
    index('chat_outbox_due_idx').on(t.priority, t.createdAt).where(sql`status in ('pending', 'in_flight')`),
    index('chat_outbox_card_idx').on(t.platform, t.channel, t.cardKey, t.status),
  ],
);

/** Where each card went: the platform's message id, which updates and thread replies need. */
export const chatMessages = pgTable(
  'chat_messages',
  {
    platform: text('platform').notNull(),
    channel: text('channel').notNull(),
    cardKey: text('card_key').notNull(),
    messageId: text('message_id').notNull(),
    postedAt: at('posted_at').notNull(),
    /** Storm control: no update of this card is claimed before this time. */
    nextUpdateAt: at('next_update_at').notNull(),
    lastUpdatedAt: at('last_updated_at'),
  },
  (t) => [
    primaryKey({ columns: [t.platform, t.channel, t.cardKey] }),
    // A click names the message; this finds the card it belongs to.
    uniqueIndex('chat_messages_message_uq').on(t.platform, t.channel, t.messageId),
  ],
);

/** Per-channel post budget shared by every worker and replica (Slack: about 1 post/s/channel). */
export const chatChannels = pgTable(
  'chat_channels',
  {
    platform: text('platform').notNull(),
    channel: text('channel').notNull(),
    nextPostAt: at('next_post_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.channel] })],
);

/**
 * Per-workspace update budget shared by every worker and replica: Slack's chat.update is Tier 3
 * (about 50 a minute for the workspace), whatever card or channel the edits go to. Outbox rows
 * carry no team id and one Triage install is one workspace per platform, so the key is the
 * platform. A 429 on an update moves it on by Retry-After (src/chat/outbox/settle.ts).
 */
export const chatWorkspacePace = pgTable('chat_workspace_pace', {
  platform: text('platform').primaryKey(),
  nextUpdateAt: at('next_update_at').notNull(),
});

/**
 * Work a chat adapter acknowledged and has not finished (a command's answer, a click's effect):
 * written before the work starts, so if the replica dies after Slack's or Discord's 3-second ack,
 * another replica finds the row with its lease run out and does the work instead of nobody
 * (src/chat/pending-work.ts). The row is also the adapter's "first sight" of a delivery: a
 * redelivery or double click finds it and does nothing. The payload (it holds the answer URL or
 * interaction token) is dropped when the work ends; rows go after a day (src/retention/policies.ts).
 */
export const chatWork = pgTable(
  'chat_work',
  {
    key: text('key').primaryKey(),
    platform: text('platform').notNull(),
    /** What the adapter must run again: its own name for the entry ('command', 'click'…). */
    kind: text('kind').notNull(),
    payload: jsonb('payload'),
    /** 'running' | 'done' | 'abandoned'. */
    status: text('status').notNull(),
    owner: text('owner').notNull(),
    attempts: integer('attempts').notNull().default(1),
    leaseUntil: at('lease_until').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    finishedAt: at('finished_at'),
  },
  (t) => [
    index('chat_work_orphans_idx').on(t.leaseUntil).where(sql`status = 'running'`),
    index('chat_work_created_idx').on(t.createdAt),
  ],
);

/**
 * What /metrics and Doctor count, kept on write instead of counted by a scan at every scrape:
 * statement triggers on chat_outbox append one delta per status a statement changed, and the
 * leader folds them into one row per status (src/chat/outbox/stats.ts). Appending takes no lock
 * another writer waits for, so concurrent claims and settles cannot deadlock on a counter row.
 * Triggers, not application code, so a replica of the previous release keeps them right during
 * a rolling upgrade (migrations/0012_retention.sql, docs/architecture.md "Rolling upgrades").
 */
export const outboxCounts = pgTable('outbox_counts', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  status: text('status').notNull(),
  n: bigint('n', { mode: 'number' }).notNull(),
});
