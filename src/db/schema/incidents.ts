import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * An incident: opened by correlation (two or more critical insights close together) or declared
 * by hand; open → mitigated (all its insights resolved) → resolved. Its header card is the
 * thread everything else about it goes into.
 */
export const incidents = pgTable(
  'incidents',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    title: text('title').notNull(),
    /** 'open' | 'mitigated' | 'resolved'. */
    status: text('status').notNull(),
    /** 'correlated' | 'declared'. */
    origin: text('origin').notNull(),
    /** The Actor who declared or resolved it; Triage's own for correlation. */
    openedBy: jsonb('opened_by').notNull(),
    resolvedBy: jsonb('resolved_by'),
    /** The logical channel of its header card. */
    channel: text('channel').notNull(),
    openedAt: at('opened_at').notNull(),
    mitigatedAt: at('mitigated_at'),
    resolvedAt: at('resolved_at'),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    index('incidents_status_idx').on(t.status, t.openedAt),
    // At most one correlated incident open at a time: new critical insights join it.
    uniqueIndex('incidents_one_open_correlated_uq').on(t.origin).where(sql`origin = 'correlated' and status = 'open'`),
  ],
);

/** Which insights belong to which incident (an insight joins at most one open incident). */
export const incidentInsights = pgTable(
  'incident_insights',
  {
    incidentId: bigint('incident_id', { mode: 'number' })
      .notNull()
      .references(() => incidents.id),
    insightId: bigint('insight_id', { mode: 'number' }).notNull(),
    joinedAt: at('joined_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.insightId] }), index('incident_insights_insight_idx').on(t.insightId)],
);

/**
 * Preventive tickets from the improvement loop, in the built-in tracker (and the mirror of those
 * filed on GitHub). The fingerprint (failure kind + scope) deduplicates against open tickets.
 */
export const tickets = pgTable(
  'tickets',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    fingerprint: text('fingerprint').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    labels: jsonb('labels').notNull(),
    owner: text('owner'),
    deliverables: jsonb('deliverables').notNull(),
    /** 'open' | 'closed'. */
    status: text('status').notNull(),
    /** 'builtin' | 'github'. */
    tracker: text('tracker').notNull(),
    externalId: text('external_id'),
    url: text('url'),
    incidentId: bigint('incident_id', { mode: 'number' }),
    createdAt: at('created_at').notNull(),
    closedAt: at('closed_at'),
  },
  (t) => [uniqueIndex('tickets_open_fingerprint_uq').on(t.tracker, t.fingerprint).where(sql`status = 'open'`)],
);
