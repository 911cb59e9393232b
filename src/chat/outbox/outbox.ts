import type { Database } from '../../db/client.js';
import type { Logger } from '../../observability/logger.js';
import type { Random } from '../../resilience/backoff.js';
import type { ChatPlatform, ChatPort } from '../port.js';
import { attemptRow, type AttemptContext, type DeliveredEvent } from './attempt.js';
import { claim } from './claim.js';
import { enqueuePost, enqueueUpdate, type Enqueued } from './enqueue.js';
import { OutboxOptions, type OutboundCardInput, type OutboxOptionsInput, type Tx } from './model.js';
import { pruneSentUpdates } from './prune.js';
import { nextDueAt, outboxStats, type OutboxStats } from './stats.js';
import { createWorkerLoop } from './worker.js';

export type { DeliveredEvent };

export type EnqueueOptions = {
  /** Enqueue inside the caller's transaction (commit together with the change); call kick() after commit. */
  tx?: Tx;
};

export type Outbox = {
  enqueuePost(card: OutboundCardInput, options?: EnqueueOptions): Promise<Enqueued>;
  enqueueUpdate(card: OutboundCardInput, options?: EnqueueOptions): Promise<Enqueued>;
  /** Delivers everything due now; returns how many rows were delivered. */
  runOnce(): Promise<number>;
  start(pollMs?: number): void;
  /** Stops the loop after the deliveries in hand are settled; unsent rows stay for the next start. */
  stop(): Promise<void>;
  kick(): void;
  stats(): Promise<OutboxStats>;
  /** Deletes delivered updates older than `olderThanMs` (posts stay: they are "posted once, ever"). */
  prune(olderThanMs: number): Promise<number>;
  onDelivered(listener: (event: DeliveredEvent) => void): () => void;
};

export type OutboxDeps = {
  database: Database;
  ports: Map<ChatPlatform, ChatPort>;
  options?: OutboxOptionsInput;
  now?: () => number;
  random?: Random;
  logger?: Pick<Logger, 'warn' | 'error'>;
};

export function createOutbox(deps: OutboxDeps): Outbox {
  const options = OutboxOptions.parse(deps.options ?? {});
  const { db } = deps.database;
  const now = deps.now ?? Date.now;
  const platforms = [...deps.ports.keys()];
  const listeners = new Set<(event: DeliveredEvent) => void>();
  const ctx: AttemptContext = {
    db,
    ports: deps.ports,
    options,
    now,
    random: deps.random ?? Math.random,
    logger: deps.logger,
    onDelivered: (event) => notify(listeners, event, deps.logger),
  };

  const runOnce = async (): Promise<number> => {
    let delivered = 0;
    for (;;) {
      const claimed = await claim(db, { platforms, now: now(), options });
      if (claimed.length === 0) return delivered;
      // Every claimed row is settled before an error is raised, so none is left in flight.
      const results = await Promise.allSettled(claimed.map((row) => attemptRow(ctx, row)));
      const failure = results.find((r) => r.status === 'rejected');
      if (failure) throw failure.reason;
      delivered += results.filter((r) => r.status === 'fulfilled' && r.value.outcome === 'sent').length;
    }
  };

  const loop = createWorkerLoop({
    drain: runOnce,
    nextDueAt: () => nextDueAt(db, platforms),
    now,
    onError: (error) => deps.logger?.error({ error }, 'chat outbox loop failed; retrying'),
  });

  const enqueue = (fn: typeof enqueuePost) => async (card: OutboundCardInput, enqueueOptions: EnqueueOptions = {}) => {
    if (enqueueOptions.tx) return fn(enqueueOptions.tx, card, now());
    const result = await db.transaction((tx) => fn(tx, card, now()));
    loop.kick();
    return result;
  };

  return {
    enqueuePost: enqueue(enqueuePost),
    enqueueUpdate: enqueue(enqueueUpdate),
    runOnce,
    start: (pollMs = 1_000) => loop.start(pollMs),
    stop: () => loop.stop(),
    kick: () => loop.kick(),
    stats: () => outboxStats(db),
    prune: (olderThanMs) => pruneSentUpdates(db, now() - olderThanMs),
    onDelivered(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** A listener that throws (a console socket gone) must not fail the delivery it is told about. */
function notify(listeners: Set<(event: DeliveredEvent) => void>, event: DeliveredEvent, logger?: Pick<Logger, 'error'>): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (error) {
      logger?.error({ error }, 'outbox onDelivered listener threw');
    }
  }
}
