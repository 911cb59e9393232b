import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Every Doctor run: who asked (an Actor, or the scheduler), which sections, what each check found.
 * Kept so Re-run and Copy report work from any replica, and so the post-mortem can quote the
 * Doctor runs of an incident.
 */
export const doctorRuns = pgTable(
  'doctor_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The Actor as JSON ({ platform, userId, name }) or { platform: 'cron', job }. */
    requestedBy: jsonb('requested_by').notNull(),
    /** 'command' | 'button' | 'schedule'. */
    trigger: text('trigger').notNull(),
    /** Sections asked for; empty means all. */
    sections: jsonb('sections').notNull(),
    /** 'CRITICAL' | 'WARNING' | 'HEALTHY'. */
    overall: text('overall').notNull(),
    /** Per-check results and the ordered action plan, parsed with zod when read. */
    report: jsonb('report').notNull(),
    durationMs: integer('duration_ms').notNull(),
    startedAt: at('started_at').notNull(),
    finishedAt: at('finished_at').notNull(),
  },
  (t) => [index('doctor_runs_started_idx').on(t.startedAt)],
);
