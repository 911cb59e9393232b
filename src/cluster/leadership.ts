import type { Database } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import { release, renew, tryAcquire, type Tenure } from './lease.js';

export type LeadershipOptions = {
  /** How long a lease lasts without renewal: a dead leader is replaced within ttl + retry. */
  ttlMs: number;
  renewEveryMs: number;
  /** How often a replica that does not lead asks for the lease. */
  retryEveryMs: number;
};

export const DEFAULT_LEADERSHIP: LeadershipOptions = { ttlMs: 10_000, renewEveryMs: 3_000, retryEveryMs: 2_000 };

export type Leadership = {
  /** The tenure while this replica leads and its lease has not run out by its own clock. */
  current(): Tenure | undefined;
  /**
   * Starts asking for the lease; `onElected` runs when it is won, `onDeposed` when it is lost.
   * Resolves after the first round, so a lone replica leads (and has evaluated) once it resolves.
   */
  start(): Promise<void>;
  /** Steps down (onDeposed runs) and gives the lease up at once, so another replica need not wait. */
  stop(): Promise<void>;
};

export type LeadershipDeps = {
  database: Database;
  name: string;
  holder: string;
  options?: Partial<LeadershipOptions>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  onElected(tenure: Tenure): Promise<void>;
  onDeposed(tenure: Tenure, reason: string): Promise<void>;
};

/**
 * One replica leads at a time, through a lease in PostgreSQL (src/cluster/lease.ts).
 *
 * Besides the database's verdict the leader keeps a deadline of its own: the lease is taken as
 * lasting `ttl - 1 s` from the moment the renewal was *sent*, measured on the monotonic clock.
 * A leader that was frozen (SIGSTOP, a long GC, a paused VM) finds on waking that its deadline
 * passed and stops before its next write; the writes it had in flight are refused by the fencing
 * check (holdsLease) because its epoch is no longer current. docs/architecture.md, "Leader and fencing".
 */
export function createLeadership(deps: LeadershipDeps): Leadership {
  const options = { ...DEFAULT_LEADERSHIP, ...deps.options };
  const safetyMs = Math.min(1_000, options.ttlMs / 4);
  let tenure: Tenure | undefined;
  let deadline = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  // Elections, renewals and depositions run one at a time, in order.
  let chain: Promise<void> = Promise.resolve();
  const serial = (work: () => Promise<void>): Promise<void> => (chain = chain.then(work, work));

  // Taking up leadership (restoring a window of up to 500,000 events) runs beside the renewals,
  // not in their way: a restore longer than the lease must not lose the lease it is for.
  let taking: Promise<void> = Promise.resolve();
  const takeUp = async (won: Tenure): Promise<void> => {
    try {
      await deps.onElected(won);
    } catch (error) {
      deps.logger.error({ err: error }, 'could not take up leadership; giving the lease back');
      if (tenure?.epoch !== won.epoch) return;
      tenure = undefined;
      await deps.onDeposed(won, 'taking up leadership failed').catch(() => {});
      await release(deps.database.db, won).catch(() => {});
    }
  };

  const depose = async (reason: string): Promise<void> => {
    if (!tenure) return;
    const lost = tenure;
    tenure = undefined;
    deps.logger.warn({ lease: deps.name, epoch: lost.epoch, reason }, 'no longer the leader');
    await taking;
    await deps.onDeposed(lost, reason).catch((error: unknown) => deps.logger.error({ err: error }, 'stepping down failed'));
  };

  const round = async (): Promise<void> => {
    if (stopped) return;
    const sentAt = performance.now();
    if (tenure && sentAt > deadline) await depose('the lease ran out before it could be renewed');
    try {
      if (tenure) {
        if (await renew(deps.database.db, tenure, options.ttlMs)) deadline = sentAt + options.ttlMs - safetyMs;
        else await depose('another replica holds the lease');
      } else {
        const won = await tryAcquire(deps.database.db, deps.name, deps.holder, options.ttlMs);
        if (won && !stopped) {
          tenure = won;
          deadline = sentAt + options.ttlMs - safetyMs;
          deps.logger.info({ lease: deps.name, epoch: won.epoch }, 'this replica is the leader');
          taking = takeUp(won);
        }
      }
    } catch (error) {
      // The database did not answer: keep leading until our own deadline, then step down.
      deps.logger.warn({ err: error, lease: deps.name }, 'lease round failed');
    }
  };

  const loop = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    return serial(round).finally(() => {
      if (stopped) return;
      const wait = tenure ? Math.min(options.renewEveryMs, Math.max(0, deadline - performance.now())) : options.retryEveryMs;
      timer = setTimeout(() => void loop(), wait);
    });
  };

  return {
    current() {
      if (tenure && performance.now() <= deadline) return tenure;
      return undefined;
    },
    async start() {
      if (!stopped) return;
      stopped = false;
      await loop();
      await taking;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await serial(async () => {
        const held = tenure;
        await depose('this replica is stopping');
        if (held) await release(deps.database.db, held).catch((error: unknown) => deps.logger.warn({ err: error }, 'could not give the lease up'));
      });
    },
  };
}
