import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * One row per scheduled job. `lastTickAt` is what makes a tick run once across replicas even when
 * their clocks differ: the job's lease (`job:<name>` in `leases`, src/jobs/lock.ts) stops
 * overlapping runs, but a fast job finishes (and releases the lease) before a replica whose timer
 * fired 50 ms later asks for it; that replica then finds the tick already taken. Also what Doctor
 * reads to say "last ran at". Written by single statements before and after a run, never by a
 * transaction that spans it.
 */
export const scheduledJobs = pgTable('scheduled_jobs', {
  name: text('name').primaryKey(),
  lastTickAt: at('last_tick_at').notNull(),
  lastRunBy: text('last_run_by'),
  lastStartedAt: at('last_started_at'),
  lastFinishedAt: at('last_finished_at'),
  /** 'ok' | 'failed' | 'running'. */
  lastOutcome: text('last_outcome'),
  lastError: text('last_error'),
  runs: integer('runs').notNull().default(0),
});
