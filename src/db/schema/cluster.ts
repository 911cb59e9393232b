import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

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
