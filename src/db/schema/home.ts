import { index, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Who has opened the Home tab and what they were last shown (src/home/). Kept in the database,
 * not a process, so every replica agrees on it: the leader refreshes only viewers whose overview
 * changed since `shown_hash`, and a claim on the hash (one conditional update) is what stops two
 * replicas, or a redelivered app_home_opened, from publishing the same view twice. One row per
 * person who opened Home; rows nobody opened for `retention.days.home_viewers` go.
 */
export const homeViewers = pgTable(
  'home_viewers',
  {
    platform: text('platform').notNull(),
    /** The workspace ('' when the platform has none): the same user id may exist in two. */
    teamId: text('team_id').notNull().default(''),
    userId: text('user_id').notNull(),
    openedAt: at('opened_at').notNull(),
    /** The hash of the overview last published to this person; null when none, or it failed. */
    shownHash: text('shown_hash'),
    publishedAt: at('published_at'),
  },
  (t) => [primaryKey({ columns: [t.platform, t.teamId, t.userId] }), index('home_viewers_opened_idx').on(t.openedAt)],
);
