import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import cron, { type ScheduledTask } from 'node-cron';
import type { Database } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import type { Result } from '../result.js';
import { checkTtl, withJobLease, type JobBusy } from './lock.js';
import { claimTick, jobStatuses, recordOutcome, type JobStatus, type RunOutcome } from './ticks.js';

export type JobContext = { name: string; tick: Date };
export type JobFn = (ctx: JobContext) => unknown;
/**
 * maxRunMs: the TTL of the run's lease `job:<name>` (2 minutes by default). It is renewed every
 * third of it while the job runs, so a longer job keeps it; it bounds how long a job whose
 * process died stays blocked, not how long a job may run.
 */
export type JobOptions = { maxRunMs?: number };

/**
 * - ran: this replica ran the tick (ok says how it ended; leaseLost when the run outlived its
 *   lease, so another replica may have run the job beside it);
 * - busy: another run of the job holds its lease (a slow previous tick, or another replica);
 * - taken: another replica already ran this tick.
 */
export type TickOutcome = { outcome: 'ran'; ok: boolean; leaseLost?: true } | { outcome: 'busy' } | { outcome: 'taken' };

export type Scheduler = {
  /** Runs `fn` on every tick of `cronExpression` (node-cron syntax, seconds optional), once across replicas. */
  schedule(name: string, cronExpression: string, fn: JobFn, options?: JobOptions): void;
  /** Runs `fn` unless the same name is running anywhere; `busy` otherwise. Errors from `fn` propagate. */
  runExclusive<T>(name: string, fn: () => Promise<T>, options?: JobOptions): Promise<Result<T, JobBusy>>;
  /** Runs one tick now, as the timer would: used by tests and by "run it now" commands. */
  tick(name: string, at?: Date): Promise<TickOutcome>;
  status(): Promise<JobStatus[]>;
  /** Stops every timer, then waits for runs in progress to finish. */
  stop(): Promise<void>;
};

export type SchedulerDeps = {
  database: Database;
  logger?: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  /** Names this replica in scheduled_jobs.last_run_by and in the holder of each run's lease. */
  replicaId?: string;
  now?: () => number;
};

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const replicaId = deps.replicaId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const now = deps.now ?? Date.now;
  const jobs = new Map<string, Job & { task: ScheduledTask }>();
  const inProgress = new Set<Promise<unknown>>();
  let stopped = false;

  const track = <T>(work: Promise<T>): Promise<T> => {
    inProgress.add(work);
    void work.finally(() => inProgress.delete(work)).catch(() => {});
    return work;
  };

  const ctx: TickContext = { ...deps, replicaId, now };
  const runTick = (name: string, job: Job, tick: Date): Promise<TickOutcome> => track(tickOnce(ctx, name, job, tick));

  return {
    schedule(name, cronExpression, fn, options = {}) {
      if (stopped) throw new Error('the scheduler is stopped');
      if (jobs.has(name)) throw new Error(`a job named ${name} is already scheduled`);
      if (!cron.validate(cronExpression)) throw new RangeError(`invalid cron expression for ${name}: ${cronExpression}`);
      if (options.maxRunMs !== undefined) checkTtl(name, options.maxRunMs);
      const job: Job = { fn, maxRunMs: options.maxRunMs };
      const task = cron.createTask(
        cronExpression,
        // node-cron hands over the slot the timer fired for: every replica names a tick alike.
        (fired) => runTick(name, job, wholeSecond(fired.date)).catch((error) => deps.logger?.error({ job: name, error }, 'scheduled tick failed')),
        { name, logger: cronLogger(deps.logger) },
      );
      jobs.set(name, { ...job, task });
      void task.start();
    },
    runExclusive: (name, fn, options = {}) =>
      track(withJobLease(deps.database, name, replicaId, () => fn(), { ttlMs: options.maxRunMs, logger: deps.logger })),
    async tick(name, at = new Date(now())) {
      const job = jobs.get(name);
      if (!job) throw new Error(`no job named ${name}`);
      return runTick(name, job, wholeSecond(at));
    },
    status: () => jobStatuses(deps.database.db),
    async stop() {
      stopped = true;
      for (const { task } of jobs.values()) {
        await task.stop();
        await task.destroy();
      }
      jobs.clear();
      await Promise.allSettled([...inProgress]);
    },
  };
}

type Job = { fn: JobFn; maxRunMs: number | undefined };
type TickContext = SchedulerDeps & { replicaId: string; now: () => number };

/**
 * Lease, take the tick, run, record, release (src/jobs/lock.ts): each step its own short
 * statement, none of them open while the job runs. The lease keeps runs of the job from
 * overlapping; the tick claim keeps a tick from running twice when a fast run has already
 * released the lease before a replica whose timer fired a little later asks for it.
 */
async function tickOnce(ctx: TickContext, name: string, job: Job, tick: Date): Promise<TickOutcome> {
  const db = ctx.database.db;
  const result = await withJobLease(
    ctx.database,
    name,
    ctx.replicaId,
    async (run): Promise<TickOutcome> => {
      if (!(await claimTick(db, name, tick, ctx.replicaId, new Date(ctx.now()), run.tenure))) return { outcome: 'taken' };
      const outcome = await runJob(ctx, name, job.fn, tick);
      ctx.logger?.debug({ job: name, tick: tick.toISOString(), replica: ctx.replicaId }, 'scheduled job ran');
      const leaseLost = run.lost();
      if (!(await recordOutcome(db, name, tick, ctx.replicaId, outcome, new Date(ctx.now()), leaseLost))) {
        ctx.logger?.warn({ job: name, tick: tick.toISOString(), replica: ctx.replicaId }, 'scheduled job finished after a later tick was taken; its outcome is not recorded');
      }
      return leaseLost ? { outcome: 'ran', ok: outcome.ok, leaseLost: true } : { outcome: 'ran', ok: outcome.ok };
    },
    { ttlMs: job.maxRunMs, logger: ctx.logger },
  );
  return result.ok ? result.value : { outcome: 'busy' };
}

/** A failing job is recorded and logged; it must not stop the schedule or crash the process. */
async function runJob(ctx: TickContext, name: string, fn: JobFn, tick: Date): Promise<RunOutcome> {
  try {
    await fn({ name, tick });
    return { ok: true };
  } catch (error) {
    ctx.logger?.error({ job: name, error }, 'scheduled job failed');
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

const wholeSecond = (date: Date): Date => new Date(Math.floor(date.getTime() / 1000) * 1000);

/** node-cron logs through our logger (or not at all), never straight to the console. */
export function cronLogger(logger: SchedulerDeps['logger']) {
  const quiet = (): void => {};
  return {
    info: (message: string) => (logger ? logger.info(message) : quiet()),
    warn: (message: string) => (logger ? logger.warn(message) : quiet()),
    error: (message: string | Error, error?: Error) => (logger ? logger.error({ error: error ?? message }, String(message)) : quiet()),
    debug: (message: string | Error) => (logger ? logger.debug(String(message)) : quiet()),
  };
}
