import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { scheduledJobs } from '../db/schema/jobs.js';
import type { Tx } from './lock.js';

type Q = Db | Tx;

/**
 * Takes one tick of one job: true for exactly one caller per (name, tick), whichever replica and
 * whenever its timer fired. A tick older than the last one taken is refused as well, so a replica
 * with a slow clock cannot run the job again behind the others.
 */
export async function claimTick(q: Q, name: string, tick: Date, runBy: string, now: Date): Promise<boolean> {
  const started = { lastTickAt: tick, lastRunBy: runBy, lastStartedAt: now, lastOutcome: 'running', lastError: null };
  const [row] = await q
    .insert(scheduledJobs)
    .values({ name, ...started })
    .onConflictDoUpdate({
      target: scheduledJobs.name,
      set: started,
      setWhere: sql`${scheduledJobs.lastTickAt} < ${tick.toISOString()}::timestamptz`,
    })
    .returning({ name: scheduledJobs.name });
  return row !== undefined;
}

export type RunOutcome = { ok: true } | { ok: false; error: string };

export async function recordOutcome(q: Q, name: string, outcome: RunOutcome, now: Date): Promise<void> {
  await q
    .update(scheduledJobs)
    .set({
      lastFinishedAt: now,
      lastOutcome: outcome.ok ? 'ok' : 'failed',
      lastError: outcome.ok ? null : outcome.error.slice(0, 2000),
      runs: sql`${scheduledJobs.runs} + 1`,
    })
    .where(eq(scheduledJobs.name, name));
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
