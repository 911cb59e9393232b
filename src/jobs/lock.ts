import { randomUUID } from 'node:crypto';
import { release, renew, tryAcquire, type Tenure } from '../cluster/lease.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import { err, ok, type Result } from '../result.js';

export type JobBusy = { code: 'busy'; name: string };

/** How long a run may go unrenewed before others may take the job: a dead process frees it after this. */
export const DEFAULT_JOB_TTL_MS = 120_000;

export type JobLeaseOptions = {
  /** The lease's TTL; renewed every third of it while the job runs. Default DEFAULT_JOB_TTL_MS. */
  ttlMs?: number;
  logger?: Pick<Logger, 'warn'>;
};

/** What a run can ask about its lease while it runs. */
export type JobRun = {
  tenure: Tenure;
  /** Why the lease was lost mid-run (another holder may run the job now), or undefined while held. */
  lost(): string | undefined;
};

export const jobLeaseName = (name: string): string => `job:${name}`;

export function checkTtl(name: string, ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs < 3) throw new RangeError(`invalid maxRunMs for ${name}: ${ttlMs}`);
  return ttlMs;
}

/**
 * Runs `fn` only if no other run of `name` (on any replica, or another run on this one) holds
 * the lease `job:<name>`; otherwise answers `busy` at once, without waiting.
 *
 * The exclusion is a row in `leases` (src/cluster/lease.ts), not a lock held by an open
 * transaction: each step is one short statement, so no pooled connection is pinned and no
 * transaction stays open while `fn` runs (an open one would hold back the transaction horizon
 * the event log is followed by, src/db/schema/events.ts). The same code works on PGlite's single
 * connection, since nothing is held between statements.
 *
 * The holder is `owner` plus a fresh run id, so a second run from the same replica is refused
 * instead of extending the first one's lease. The lease is renewed every third of its TTL while
 * `fn` runs, so a long job keeps it, and released when `fn` ends; if the process dies it expires
 * after the TTL, on the database's clock. A renewal that finds the lease gone cannot stop `fn`
 * (nothing can interrupt it): it is logged, and `run.lost()` says so for the caller to record.
 */
export async function withJobLease<T>(
  database: Database,
  name: string,
  owner: string,
  fn: (run: JobRun) => Promise<T>,
  options: JobLeaseOptions = {},
): Promise<Result<T, JobBusy>> {
  const ttlMs = checkTtl(name, options.ttlMs ?? DEFAULT_JOB_TTL_MS);
  const tenure = await tryAcquire(database.db, jobLeaseName(name), `${owner}#${randomUUID().slice(0, 8)}`, ttlMs);
  if (!tenure) return err({ code: 'busy', name });
  const keeper = keepRenewed(database, name, tenure, ttlMs, options.logger);
  try {
    return ok(await fn(keeper.run));
  } finally {
    // Renewals stop (and the one in flight settles) before the release, or a renewal that came
    // after it would find the lease gone and report a loss that never happened.
    await keeper.stop();
    await release(database.db, tenure).catch((error: unknown) =>
      options.logger?.warn({ job: name, holder: tenure.holder, error }, 'could not release the job lease; it frees itself when its TTL runs out'),
    );
  }
}

function keepRenewed(database: Database, name: string, tenure: Tenure, ttlMs: number, logger: JobLeaseOptions['logger']) {
  let lost: string | undefined;
  let inFlight: Promise<void> | undefined;
  const renewOnce = async (): Promise<void> => {
    try {
      if (await renew(database.db, tenure, ttlMs)) return;
      lost = `lease ${tenure.name} lost during the run (expired or taken over); another replica may have run the job meanwhile`;
      clearInterval(timer);
      logger?.warn({ job: name, holder: tenure.holder, epoch: tenure.epoch }, 'scheduled job lost its lease while running');
    } catch (error) {
      // Not a loss yet: the lease is still ours until it expires, and the next renewal may get through.
      logger?.warn({ job: name, holder: tenure.holder, error }, 'could not renew the job lease');
    }
  };
  const timer = setInterval(() => {
    if (!inFlight && !lost) inFlight = renewOnce().finally(() => (inFlight = undefined));
  }, Math.max(1, Math.floor(ttlMs / 3)));
  timer.unref();
  return {
    run: { tenure, lost: () => lost } satisfies JobRun,
    async stop(): Promise<void> {
      clearInterval(timer);
      await inFlight;
    },
  };
}
