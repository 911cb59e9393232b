import { actorLabel, type Actor } from '../actor.js';
import type { Database } from '../db/client.js';
import { err, ok, type Result } from '../result.js';
import type { Evaluation } from './evaluate.js';
import { transitionFor, type Insight, type StoredDetection } from './insight.js';
import * as store from './store.js';

export type InsightError = {
  code: 'not_found' | 'already_dismissed' | 'already_resolved' | 'already_acknowledged';
  insight?: Insight;
};
export type Publisher = (insights: Insight[]) => Promise<void>;
export type ReconcileOutcome = { opened: number; changed: number; reopened: number; resolved: number; suppressed: number; fenced?: boolean };
/** The leader's fencing check, run first inside the evaluation's transaction (src/cluster/lease.ts holdsLease). */
export type Fence = (tx: store.Tx) => Promise<boolean>;

export type InsightLifecycle = {
  /** With a fence that answers false nothing is written and the outcome says `fenced`. */
  reconcile(evaluation: Evaluation, now: Date, fence?: Fence): Promise<ReconcileOutcome>;
  dismiss(id: number, actor: Actor, now: Date): Promise<Result<Insight, InsightError>>;
  acknowledge(id: number, actor: Actor, now: Date): Promise<Result<Insight, InsightError>>;
  /** Hands every insight whose card changed to the publisher; safe to call any time. */
  publishPending(): Promise<number>;
};

/**
 * Turns each evaluation into insight rows (one per fingerprint) and card changes. All changes of
 * one evaluation commit together; cards are published after commit from `version >
 * publishedVersion`, so a crash in between re-publishes instead of losing a card.
 */
export function createInsightLifecycle(deps: { database: Database; publisher: Publisher; suppressMinutes: number }): InsightLifecycle {
  const { db } = deps.database;

  const reconcile = async (evaluation: Evaluation, now: Date, fence?: Fence): Promise<ReconcileOutcome> => {
    const outcome: ReconcileOutcome = { opened: 0, changed: 0, reopened: 0, resolved: 0, suppressed: 0 };
    const written = await db.transaction(async (tx) => {
      if (fence && !(await fence(tx))) return false;
      const existing = await store.findByFingerprints(tx, evaluation.detections.map((d) => d.fingerprint));
      const untouched: number[] = [];
      const fresh: store.NewInsight[] = [];
      for (const { entry, detection, fingerprint, hash } of evaluation.detections) {
        const stored = detection as StoredDetection;
        const change = { severity: detection.severity ?? entry.severity, title: entry.title(detection), detection: stored, detectionHash: hash };
        const current = existing.get(fingerprint);
        const transition = transitionFor(current, hash, now);
        if (transition === 'open') {
          fresh.push({ ...change, fingerprint, kind: entry.kind, scope: detection.scope, category: entry.category, now });
        } else if (transition === 'changed') {
          await store.recordChange(tx, current!.id, change, now);
          outcome.changed++;
        } else if (transition === 'reopen') {
          await store.reopen(tx, current!, change, now);
          outcome.reopened++;
        } else {
          untouched.push(current!.id);
          if (transition === 'suppressed') outcome.suppressed++;
        }
      }
      outcome.opened = await store.insertInsights(tx, fresh);
      await store.touch(tx, untouched, now);
      const detected = new Set(evaluation.detections.map((d) => d.fingerprint));
      for (const live of await store.findLive(tx)) {
        if (detected.has(live.fingerprint) || !evaluation.evaluatedKinds.has(live.kind)) continue;
        const resolved = await store.changeStatus(tx, live.id, ['open', 'acknowledged'], 'resolved', { resolvedAt: now }, null, now);
        if (resolved) outcome.resolved++;
      }
      return true;
    });
    if (!written) return { opened: 0, changed: 0, reopened: 0, resolved: 0, suppressed: 0, fenced: true };
    await publishPending();
    return outcome;
  };

  let publishing: Promise<number> | null = null;
  const publishPending = async (): Promise<number> => {
    // One publish at a time per process: two overlapping ones would hand the same version twice.
    while (publishing) await publishing;
    publishing = (async () => {
      const pending = await store.findUnpublished(db);
      if (pending.length) await deps.publisher(pending);
      for (const insight of pending) await store.markPublished(db, insight.id, insight.version);
      return pending.length;
    })();
    try {
      return await publishing;
    } finally {
      publishing = null;
    }
  };

  const decide = async (id: number, to: 'dismissed' | 'acknowledged', actor: Actor, now: Date): Promise<Result<Insight, InsightError>> => {
    const extra =
      to === 'dismissed'
        ? { dismissedBy: actorLabel(actor), dismissedAt: now, suppressedUntil: new Date(now.getTime() + deps.suppressMinutes * 60_000) }
        : { acknowledgedBy: actorLabel(actor), acknowledgedAt: now };
    const from: Array<'open' | 'acknowledged'> = to === 'dismissed' ? ['open', 'acknowledged'] : ['open'];
    const updated = await store.changeStatus(db, id, from, to, extra, actor, now);
    if (updated) {
      await publishPending();
      return ok(updated);
    }
    const current = await store.findById(db, id);
    if (!current) return err({ code: 'not_found' });
    const code = current.status === 'resolved' ? 'already_resolved' : current.status === 'acknowledged' ? 'already_acknowledged' : 'already_dismissed';
    return err({ code, insight: current });
  };

  return {
    reconcile,
    publishPending,
    dismiss: (id, actor, now) => decide(id, 'dismissed', actor, now),
    acknowledge: (id, actor, now) => decide(id, 'acknowledged', actor, now),
  };
}
