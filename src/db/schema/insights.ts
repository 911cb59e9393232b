import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * One row per insight fingerprint (kind + affected scope). Repeats update the row; a recurrence
 * after it was resolved (or its dismissal expired) starts a new episode, which is a new card.
 */
export const insights = pgTable(
  'insights',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    fingerprint: text('fingerprint').notNull(),
    kind: text('kind').notNull(),
    scope: text('scope').notNull(),
    severity: text('severity').notNull(),
    category: text('category').notNull(),
    status: text('status').notNull(),
    episode: integer('episode').notNull().default(1),
    title: text('title').notNull(),
    /** The latest Detection (summary, entities, fields, facts), parsed with zod when read. */
    detection: jsonb('detection').notNull(),
    detectionHash: text('detection_hash').notNull(),
    count: integer('count').notNull().default(1),
    /** Bumped on every change a reader of the card would see; the card is re-sent until
     * publishedVersion catches up, so a crash between the update and the outbox loses nothing. */
    version: integer('version').notNull().default(1),
    publishedVersion: integer('published_version').notNull().default(0),
    firstSeenAt: at('first_seen_at').notNull(),
    lastSeenAt: at('last_seen_at').notNull(),
    resolvedAt: at('resolved_at'),
    acknowledgedBy: text('acknowledged_by'),
    acknowledgedAt: at('acknowledged_at'),
    dismissedBy: text('dismissed_by'),
    dismissedAt: at('dismissed_at'),
    suppressedUntil: at('suppressed_until'),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('insights_fingerprint_uq').on(t.fingerprint),
    index('insights_status_idx').on(t.status),
    // Every evaluation asks which insights still need their card sent: only those rows are here.
    index('insights_unpublished_idx').on(t.id).where(sql`${t.version} > ${t.publishedVersion}`),
  ],
);

/** What happened to each insight and who did it: the post-mortem timeline reads this. */
export const insightHistory = pgTable(
  'insight_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    insightId: bigint('insight_id', { mode: 'number' })
      .notNull()
      .references(() => insights.id),
    episode: integer('episode').notNull(),
    change: text('change').notNull(),
    /** The Actor for human changes ({ platform, userId, ... }); null for Triage's own. */
    actor: jsonb('actor'),
    at: at('at').notNull().defaultNow(),
  },
  (t) => [index('insight_history_insight_idx').on(t.insightId), index('insight_history_at_idx').on(t.at)],
);
