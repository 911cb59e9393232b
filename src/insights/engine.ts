import type { Logger } from 'pino';
import type { StoredEvent } from '../intake/event-writer.js';
import type { Platform } from '../platform/port.js';
import type { CatalogEntry } from './catalog/entry.js';
import { evaluate, type RuleThresholds } from './evaluate.js';
import type { Fence, InsightLifecycle } from './lifecycle.js';
import { emptySnapshot, takeSnapshot, type PlatformSnapshot } from './platform-snapshot.js';
import { SignalWindow } from './signal-window.js';
import type { Gap } from '../cluster/presence.js';
import type { AlertBoard } from '../alerts/board.js';
import type { BoardAlert } from '../alerts/model.js';

export type InsightEngine = {
  onStored(events: StoredEvent[]): void;
  /** The periodic pass for time-based rules ("running > 30 min", "no heartbeat"). */
  tick(): Promise<void>;
  /** Resolves when no evaluation is queued or running (tests, shutdown). */
  idle(): Promise<void>;
};

export type EngineDeps = {
  platform?: Platform;
  /** The window's starting content: the newest events of the log (src/events/log.ts readRecent). */
  restored?: StoredEvent[];
  /** Checked inside each evaluation's write: false once this replica's tenure is over. */
  fence?: Fence;
  catalog: readonly CatalogEntry[];
  lifecycle: InsightLifecycle;
  thresholds?: RuleThresholds;
  logger: Logger;
  onRuleFailure?: (kind: string) => void;
  /** Told how long each evaluation took: the rules over the window, then the lifecycle's writes. */
  onEvaluated?: (timing: { rulesSeconds: number; reconcileSeconds: number }) => void;
  now?: () => number;
  retentionMs?: number;
  /** Triage's own downtime (src/cluster/presence.ts), read on every tick. */
  gaps?: (since: Date) => Promise<Gap[]>;
  /** Least time between two evaluations; the first after a quiet spell runs at once. */
  minIntervalMs?: number;
  /** External alerts: folded from the window's events, saved before each evaluation (src/alerts/store.ts). */
  alerts?: { board: AlertBoard; save(alerts: readonly BoardAlert[]): Promise<void> };
};

/**
 * One leader tenure's evaluation of the catalog (src/insights/evaluator.ts makes one per tenure).
 * Evaluations are coalesced: while one runs, any number of new batches only mark the engine
 * dirty, and one more evaluation follows. A storm of 20,000 events is a handful of evaluations.
 */
export function createInsightEngine(deps: EngineDeps): InsightEngine {
  const now = deps.now ?? Date.now;
  const retentionMs = deps.retentionMs ?? 6 * 60 * 60 * 1000;
  const window = new SignalWindow(retentionMs);
  window.add(deps.restored ?? []);
  deps.alerts?.board.apply(deps.restored ?? []);
  let snapshot: PlatformSnapshot = emptySnapshot();
  let gaps: Gap[] = [];
  let running: Promise<void> | null = null;
  let dirty = false;

  const evaluateOnce = async (): Promise<void> => {
    const at = now();
    await saveAlerts();
    const started = performance.now();
    const alerts = deps.alerts?.board.open(at) ?? [];
    const evaluation = evaluate(deps.catalog, { window, platform: snapshot, now: at, thresholds: deps.thresholds, gaps, alerts });
    const evaluated = performance.now();
    for (const failure of evaluation.failures) {
      deps.logger.error({ kind: failure.kind, error: failure.error }, 'insight rule failed; other rules still ran');
      deps.onRuleFailure?.(failure.kind);
    }
    await deps.lifecycle.reconcile(evaluation, new Date(at), deps.fence);
    deps.onEvaluated?.({ rulesSeconds: (evaluated - started) / 1000, reconcileSeconds: (performance.now() - evaluated) / 1000 });
  };

  // A new leader re-reads six hours of events; what the board learnt earlier lives only in its
  // saved state, so changes are saved with each evaluation. A failed save is retried with the
  // next one: meanwhile the events that made the change are still within those six hours.
  const saveAlerts = async (): Promise<void> => {
    const board = deps.alerts?.board;
    const changed = board?.takeChanged() ?? [];
    if (!changed.length) return;
    try {
      await deps.alerts!.save(changed);
    } catch (error) {
      board!.unsaved(changed);
      deps.logger.warn({ err: error, alerts: changed.length }, 'could not save external alert states; will retry');
    }
  };

  // In a storm every pass re-detects the same fingerprints with slightly newer evidence; the
  // outbox would coalesce those card updates anyway, so back-to-back passes are spaced to save
  // the database a write storm. The first pass after a quiet spell runs at once: first card fast.
  const minIntervalMs = deps.minIntervalMs ?? 500;
  const schedule = (): void => {
    dirty = true;
    running ??= (async () => {
      let lastStarted = -Infinity;
      while (dirty) {
        const wait = lastStarted + minIntervalMs - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        dirty = false;
        lastStarted = performance.now();
        try {
          await evaluateOnce();
        } catch (error) {
          deps.logger.error({ err: error }, 'insight evaluation failed; will retry on the next batch or tick');
        }
      }
      running = null;
    })();
  };

  return {
    onStored(stored) {
      window.add(stored);
      deps.alerts?.board.apply(stored);
      schedule();
    },
    async tick() {
      if (deps.platform) snapshot = await takeSnapshot(deps.platform, snapshot, now());
      // Kept on a failed read: forgetting a gap would judge Triage's downtime as the platform's.
      if (deps.gaps) gaps = await deps.gaps(new Date(now() - retentionMs)).catch(() => gaps);
      window.prune(now());
      schedule();
      await running;
    },
    async idle() {
      while (running) await running;
    },
  };
}
