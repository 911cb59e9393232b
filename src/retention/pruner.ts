import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import { sleep } from '../resilience/retry.js';
import type { RetentionConfig } from './config.js';
import { COMPACTIONS, RETENTION_POLICIES, type RetentionPolicy } from './policies.js';

const DAY_MS = 24 * 60 * 60_000;

export type PruneReport = { deleted: Record<string, number>; failed: Array<{ policy: string; error: string }>; stoppedEarly: boolean };

export type Pruner = {
  /** One pass over every policy, batch by batch, while this replica leads. */
  runOnce(): Promise<PruneReport>;
  start(): void;
  /** Stops the timer and waits for the batch in hand (never for the whole pass). */
  stop(): Promise<void>;
};

export type PrunerDeps = {
  database: Database;
  config: RetentionConfig;
  /** Only the leader prunes (docs/architecture.md, "Retention"); checked before every batch. */
  leading(): boolean;
  logger: Pick<Logger, 'info' | 'warn'>;
  onDeleted?(policy: string, rows: number): void;
  now?: () => number;
  policies?: readonly RetentionPolicy[];
};

const Count = z.object({ n: z.coerce.number() });

export function createPruner(deps: PrunerDeps): Pruner {
  const now = deps.now ?? Date.now;
  const policies = deps.policies ?? RETENTION_POLICIES;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<PruneReport> | undefined;

  const go = () => !stopping && deps.leading();

  const prunePolicy = async (policy: RetentionPolicy): Promise<number> => {
    const days = deps.config.days[policy.name] ?? policy.defaultDays;
    // As text with a cast: drizzle's postgres.js driver sends parameters as strings (conventions §12).
    const cutoff = sql`${new Date(now() - days * DAY_MS).toISOString()}::timestamptz`;
    let total = 0;
    while (go()) {
      const started = performance.now();
      const [row] = await deps.database.query(policy.batch(cutoff, deps.config.batchSize));
      const tookMs = performance.now() - started;
      const n = Count.parse(row ?? { n: 0 }).n;
      total += n;
      if (n > 0) deps.onDeleted?.(policy.name, n);
      if (n < deps.config.batchSize) break;
      await sleep(Math.max(deps.config.pauseMs, tookMs * deps.config.idleRatio));
    }
    return total;
  };

  const pass = async (): Promise<PruneReport> => {
    const report: PruneReport = { deleted: {}, failed: [], stoppedEarly: false };
    for (const compaction of COMPACTIONS) {
      if (!go()) break;
      await deps.database.query(compaction.statement).catch((error: unknown) => {
        report.failed.push({ policy: compaction.table, error: (error as Error).message });
        deps.logger.warn({ table: compaction.table, err: error }, 'could not compact; will try again on the next pass');
      });
    }
    for (const policy of policies) {
      if (!go()) {
        report.stoppedEarly = true;
        break;
      }
      try {
        report.deleted[policy.name] = await prunePolicy(policy);
      } catch (error) {
        // One table's trouble (a lock timeout, say) must not keep the others growing.
        report.failed.push({ policy: policy.name, error: (error as Error).message });
        deps.logger.warn({ policy: policy.name, err: error }, 'could not prune; will try again on the next pass');
      }
    }
    const total = Object.values(report.deleted).reduce((a, b) => a + b, 0);
    if (total > 0) deps.logger.info({ deleted: report.deleted }, 'retention: pruned rows past their age');
    return report;
  };

  const runOnce = (): Promise<PruneReport> => {
    // Passes never overlap: a timer firing during a long pass joins it.
    running ??= pass().finally(() => (running = undefined));
    return running;
  };

  const schedule = (delayMs: number) => {
    if (stopping) return;
    timer = setTimeout(() => {
      void runOnce().finally(() => schedule(deps.config.everyMinutes * 60_000));
    }, delayMs);
    timer.unref();
  };

  return {
    runOnce,
    start: () => schedule(deps.config.startAfterSeconds * 1000),
    stop: async () => {
      stopping = true;
      clearTimeout(timer);
      await running?.catch(() => {});
    },
  };
}
