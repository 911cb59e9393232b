import { bigint, bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Named leases shared by every replica: `evaluator` (the one replica that evaluates the catalog)
 * and one per scheduled job run. Times come from the database's clock (`now()`), never a
 * replica's, so two replicas with skewed clocks agree on who holds what. `epoch` grows by one
 * each time the lease changes hands: it is the fencing token a holder's writes are checked
 * against (src/cluster/lease.ts, docs/architecture.md "Leader and fencing").
 */
export const leases = pgTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  epoch: bigint('epoch', { mode: 'number' }).notNull(),
  acquiredAt: at('acquired_at').notNull(),
  renewedAt: at('renewed_at').notNull(),
  expiresAt: at('expires_at').notNull(),
});

/**
 * Where a durable consumer of the event log stands (the simulator's model): every event before
 * (tx, seq) has been folded in. Updated in the same transaction as what it consumed.
 */
export const logCursors = pgTable('log_cursors', {
  name: text('name').primaryKey(),
  tx: bigint('tx', { mode: 'number' }).notNull(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  updatedAt: at('updated_at').notNull(),
});

/**
 * Each replica's last "I am accepting events", on the database's clock (src/cluster/presence.ts).
 * A beat that finds every replica silent for longer than two beats records the silence in
 * `triage_gaps`. One row per process start.
 */
export const replicaBeats = pgTable(
  'replica_beats',
  {
    replica: text('replica').primaryKey(),
    startedAt: at('started_at').notNull(),
    lastBeatAt: at('last_beat_at').notNull(),
  },
  (t) => [index('replica_beats_last_beat_idx').on(t.lastBeatAt)],
);

/**
 * When no replica was accepting events: Triage's own downtime, not the platform's. Time-based
 * rules give the platform a grace period after one (docs/architecture.md, "Triage's own downtime").
 * `started_at` is unique: replicas that come back together record one gap.
 */
export const triageGaps = pgTable(
  'triage_gaps',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    startedAt: at('started_at').notNull().unique(),
    endedAt: at('ended_at').notNull(),
    noticedBy: text('noticed_by').notNull(),
  },
  (t) => [index('triage_gaps_ended_idx').on(t.endedAt)],
);
