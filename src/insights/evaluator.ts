import cron, { type ScheduledTask } from 'node-cron';
import { sql } from 'drizzle-orm';
import { holdsLease, leaseState, type Tenure } from '../cluster/lease.js';
import { createLeadership, type LeadershipOptions } from '../cluster/leadership.js';
import { createLogFollower, type LogFollower } from '../cluster/log-follower.js';
import type { Database } from '../db/client.js';
import { lagSeconds, readRecent, type LogPosition } from '../events/log.js';
import type { StoredEvent } from '../intake/event-writer.js';
import { cronLogger } from '../jobs/scheduler.js';
import type { Logger } from '../observability/logger.js';
import type { Platform } from '../platform/port.js';
import type { CatalogEntry } from './catalog/entry.js';
import { createInsightEngine, type InsightEngine } from './engine.js';
import type { RuleThresholds } from './evaluate.js';
import type { InsightLifecycle } from './lifecycle.js';
import { recentGaps } from '../cluster/presence.js';
import { AlertBoard } from '../alerts/board.js';
import { loadOpenAlerts, saveAlerts } from '../alerts/store.js';

export const EVALUATOR_LEASE = 'evaluator';
const RETENTION_MS = 6 * 60 * 60 * 1000;
const RESTORE_LIMIT = 500_000;

export type EvaluatorStatus = { leading: boolean; leader?: { holder: string; epoch: number; expiresAt: Date }; lagSeconds?: number };

/**
 * The one evaluation of the deployment (docs/architecture.md, "One evaluation"): every replica
 * builds this, exactly one — the holder of the `evaluator` lease — runs it. A tenure restores the
 * window from the log, takes the platform snapshot, evaluates once, then follows the log and
 * ticks for time-based rules; its writes are fenced by its epoch. When the lease is lost
 * everything of the tenure is dropped, and the next leader starts again from the log.
 */
export type Evaluator = {
  /** Resolves after the first bid for the lease: a lone replica has restored and evaluated by then. */
  start(): Promise<void>;
  /** A write this replica committed: the leader evaluates it at once (the first card is not held by a poll). */
  stored(events: StoredEvent[], tx: number): void;
  /** The time-based pass, now (tests, "run it now"); nothing when this replica does not lead. */
  tick(): Promise<void>;
  /** Resolves once the leader has read the log to its current end and evaluated it. */
  idle(): Promise<void>;
  leading(): boolean;
  status(): Promise<EvaluatorStatus>;
  stop(): Promise<void>;
};

export type EvaluatorDeps = {
  database: Database;
  platform: Platform;
  catalog: readonly CatalogEntry[];
  lifecycle: InsightLifecycle;
  thresholds: RuleThresholds;
  tickCron: string;
  holder: string;
  logger: Logger;
  /** Other followers of the log on the leader (the embedded simulator's model). */
  alsoFollow?: Array<(events: StoredEvent[]) => void>;
  onRuleFailure?: (kind: string) => void;
  onEvaluated?: (timing: { rulesSeconds: number; reconcileSeconds: number }) => void;
  leadership?: Partial<LeadershipOptions>;
  pollMs?: number;
};

type Term = { tenure: Tenure; engine: InsightEngine; follower: LogFollower; task: ScheduledTask; saver: NodeJS.Timeout; saved?: LogPosition };

export function createEvaluator(deps: EvaluatorDeps): Evaluator {
  let term: Term | undefined;

  const elected = async (tenure: Tenure): Promise<void> => {
    const current = () => leadership.current()?.epoch === tenure.epoch;
    const restored = await readRecent(deps.database, RETENTION_MS, RESTORE_LIMIT, Date.now());
    // Alerts triggered before the window began are open until resolved: the saved board first.
    const board = new AlertBoard();
    board.restore(await loadOpenAlerts(deps.database));
    const engine = createInsightEngine({
      platform: deps.platform,
      catalog: deps.catalog,
      lifecycle: deps.lifecycle,
      thresholds: deps.thresholds,
      logger: deps.logger,
      restored: restored.events,
      retentionMs: RETENTION_MS,
      alerts: { board, save: (alerts) => saveAlerts(deps.database, alerts) },
      gaps: (since) => recentGaps(deps.database, since),
      fence: (tx) => holdsLease(tx, tenure),
      ...(deps.onRuleFailure ? { onRuleFailure: deps.onRuleFailure } : {}),
      ...(deps.onEvaluated ? { onEvaluated: deps.onEvaluated } : {}),
    });
    // The platform snapshot before any evaluation: a pass over an empty snapshot would resolve
    // every insight that rests on platform state, the very thing a takeover must not do.
    await engine.tick();
    const follower = createLogFollower({
      database: deps.database,
      from: restored.position,
      consume: (events) => {
        engine.onStored(events);
        for (const follow of deps.alsoFollow ?? []) follow(events);
      },
      isCurrent: current,
      logger: deps.logger,
      ...(deps.pollMs ? { pollMs: deps.pollMs } : {}),
    });
    const task = cron.createTask(
      deps.tickCron,
      () => {
        if (current()) void engine.tick().catch((error: unknown) => deps.logger.error({ err: error }, 'insight tick failed'));
      },
      { name: 'insights-tick', logger: cronLogger(deps.logger) },
    );
    void task.start();
    const next: Term = { tenure, engine, follower, task, saver: setInterval(() => void savePosition(next), 1_000) };
    next.saver.unref();
    term = next;
    deps.logger.info({ events: restored.events.length, epoch: tenure.epoch }, 'insight window restored from the event log');
  };

  // Where the leader stands in the log, for the lag every replica reports; fenced like any write.
  const savePosition = async (t: Term): Promise<void> => {
    const position = t.follower.position();
    if (t.saved && t.saved.tx === position.tx && t.saved.seq === position.seq) return;
    await deps.database.db
      .transaction(async (tx) => {
        if (!(await holdsLease(tx, t.tenure))) return;
        await tx.execute(sql`
          insert into log_cursors (name, tx, seq, updated_at) values (${EVALUATOR_LEASE}, ${position.tx}, ${position.seq}, now())
          on conflict (name) do update set tx = excluded.tx, seq = excluded.seq, updated_at = now()`);
        t.saved = position;
      })
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not record the evaluator position'));
  };

  const deposed = async (): Promise<void> => {
    const ended = term;
    term = undefined;
    if (!ended) return;
    clearInterval(ended.saver);
    await ended.task.stop();
    await ended.task.destroy();
    await ended.follower.stop();
    await ended.engine.idle();
  };

  const leadership = createLeadership({
    database: deps.database,
    name: EVALUATOR_LEASE,
    holder: deps.holder,
    logger: deps.logger,
    onElected: elected,
    onDeposed: deposed,
    ...(deps.leadership ? { options: deps.leadership } : {}),
  });

  return {
    start: () => leadership.start(),
    stored(events, tx) {
      term?.follower.local(events, tx);
    },
    async tick() {
      if (term && leadership.current()) await term.engine.tick();
    },
    async idle() {
      const t = term;
      if (!t) return;
      await t.follower.settle();
      await t.engine.idle();
    },
    leading: () => term !== undefined && leadership.current() !== undefined,
    async status() {
      const leader = await leaseState(deps.database, EVALUATOR_LEASE);
      const [cursor] = await deps.database.query<{ tx: string | number; seq: string | number }>(sql`select tx, seq from log_cursors where name = ${EVALUATOR_LEASE}`);
      const lag = cursor ? await lagSeconds(deps.database, { tx: Number(cursor.tx), seq: Number(cursor.seq) }) : undefined;
      return {
        leading: term !== undefined && leadership.current() !== undefined,
        ...(leader ? { leader: { holder: leader.holder, epoch: leader.epoch, expiresAt: leader.expiresAt } } : {}),
        ...(lag !== undefined ? { lagSeconds: lag } : {}),
      };
    },
    stop: () => leadership.stop(),
  };
}
