import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tenure } from '../cluster/lease.js';
import type { Db } from '../db/client.js';
import { scheduledJobs } from '../db/schema/jobs.js';

const rowsOf = (result: unknown): unknown[] => (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? []));

/**
 * Takes one tick of one job: true for exactly one caller per (name, tick), whichever replica and
 * whenever its timer fired. A tick older than the last one taken is refused as well, so a replica
 * with a slow clock cannot run the job again behind the others.
 *
 * One statement, committed on its own (no transaction spans the run). It is fenced by the run's
 * lease as src/cluster/lease.ts `holdsLease` would be: the claim is refused unless `tenure` is
 * still current, and FOR SHARE makes a takeover of the lease wait for the claim to commit. A
 * holder frozen past its TTL therefore cannot take a newer tick than the replica that took the
 * job over and run beside it. A refused fence reads as `false`, like a taken tick.
 */
export async function claimTick(q: Db, name: string, tick: Date, runBy: string, now: Date, tenure: Tenure): Promise<boolean> {
  const rows = rowsOf(
    await q.execute(sql`
      insert into scheduled_jobs as j (name, last_tick_at, last_run_by, last_started_at, last_outcome, last_error)
      select ${name}, ${tick.toISOString()}::timestamptz, ${runBy}, ${now.toISOString()}::timestamptz, 'running', null
      where exists (
        select 1 from leases
        where leases.name = ${tenure.name} and leases.holder = ${tenure.holder} and leases.epoch = ${tenure.epoch} and leases.expires_at > now()
        for share)
      on conflict (name) do update set
        last_tick_at = excluded.last_tick_at,
        last_run_by = excluded.last_run_by,
        last_started_at = excluded.last_started_at,
        last_outcome = excluded.last_outcome,
        last_error = excluded.last_error
      where j.last_tick_at < excluded.last_tick_at
      returning j.name`),
  );
  return rows.length === 1;
}

export type RunOutcome = { ok: true } | { ok: false; error: string };

/**
 * Records how the run of `tick` ended, in a statement of its own. Only the run that claimed the
 * tick writes: if the row has moved on to a later tick (this run lost its lease and another
 * replica took the job over), the newer run's record is left alone and false is answered.
 * `leaseLost` (the run kept going after its lease was lost) is kept in last_error, also when
 * the job itself succeeded, so Doctor can show that the job may have overlapped another run.
 */
export async function recordOutcome(
  q: Db,
  name: string,
  tick: Date,
  runBy: string,
  outcome: RunOutcome,
  now: Date,
  leaseLost?: string,
): Promise<boolean> {
  const problems = [outcome.ok ? undefined : outcome.error, leaseLost].filter((p): p is string => p !== undefined);
  const recorded = await q
    .update(scheduledJobs)
    .set({
      lastFinishedAt: now,
      lastOutcome: outcome.ok ? 'ok' : 'failed',
      lastError: problems.length > 0 ? problems.join('; ').slice(0, 2000) : null,
      runs: sql`${scheduledJobs.runs} + 1`,
    })
    .where(and(eq(scheduledJobs.name, name), eq(scheduledJobs.lastTickAt, tick), eq(scheduledJobs.lastRunBy, runBy)))
    .returning({ name: scheduledJobs.name });
  return recorded.length === 1;
}

export const JobStatus = z.object({
  name: z.string(),
  lastTickAt: z.date(),
  lastRunBy: z.string().nullable(),
  lastStartedAt: z.date().nullable(),
  lastFinishedAt: z.date().nullable(),
  lastOutcome: z.enum(['running', 'ok', 'failed']).nullable(),
  lastError: z.string().nullable(),
  runs: z.number().int(),
});
export type JobStatus = z.infer<typeof JobStatus>;

/** What Doctor shows: when each job last ran, where, and how it ended. */
export async function jobStatuses(db: Db): Promise<JobStatus[]> {
  const found = await db.select().from(scheduledJobs).orderBy(scheduledJobs.name);
  return found.map((row) => JobStatus.parse(row));
}
