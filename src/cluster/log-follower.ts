import type { Database } from '../db/client.js';
import { readLog, type LogPosition } from '../events/log.js';
import type { StoredEvent } from '../intake/event-writer.js';
import type { Logger } from '../observability/logger.js';

export type LogConsumer = (events: StoredEvent[]) => void;

export type LogFollower = {
  /** A write this replica just committed (transaction `tx`): handed on at once, never read again. */
  local(events: StoredEvent[], tx: number): void;
  /** Reads the log now instead of at the next poll. */
  poke(): void;
  /** Reads the log to its current end and resolves when that is handed on. */
  settle(): Promise<void>;
  /** Everything before this position has been handed on. */
  position(): LogPosition;
  stop(): Promise<void>;
};

export type FollowerDeps = {
  database: Database;
  /** Where to start: the position of the window the leader restored (src/events/log.ts readRecent). */
  from: LogPosition;
  consume: LogConsumer;
  logger: Pick<Logger, 'warn'>;
  pollMs?: number;
  batchLimit?: number;
  /** False once this replica's tenure is over: the follower stops handing anything on. */
  isCurrent(): boolean;
};

/**
 * The leader's view of the durable event log: every event any replica stored, each handed on
 * exactly once, in the order the log gives.
 *
 * Events this replica stored itself take a short cut: the writer hands them over as it commits
 * (the first card of an outage must not wait for a poll), with their transaction id, and the
 * log reads skip that transaction. A local write whose transaction the log has already reached
 * is dropped, since the log read handed it on. docs/architecture.md, "Following the event log".
 */
export function createLogFollower(deps: FollowerDeps): LogFollower {
  const pollMs = deps.pollMs ?? 250;
  const limit = deps.batchLimit ?? 5_000;
  let position = deps.from;
  const handedLocally = new Set<number>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let reading: Promise<void> | undefined;
  let again = false;

  const hand = (events: StoredEvent[]): void => {
    if (events.length && deps.isCurrent()) deps.consume(events);
  };

  const readAll = async (): Promise<void> => {
    for (;;) {
      // A local write that commits while this read is in flight is filtered out below instead.
      const batch = await readLog(deps.database, position, limit, [...handedLocally]);
      if (stopped || !deps.isCurrent()) return;
      const fromOthers = handedLocally.size ? batch.events.filter((e) => !handedLocally.has(e.tx)) : batch.events;
      position = batch.position;
      // Local transactions the log has now passed cannot be handed again: forget them.
      for (const tx of handedLocally) if (tx <= position.tx) handedLocally.delete(tx);
      hand(fromOthers);
      if (batch.complete) return;
    }
  };

  const read = (): void => {
    if (stopped) return;
    if (reading) {
      again = true;
      return;
    }
    clearTimeout(timer);
    reading = readAll()
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'reading the event log failed; will try again'))
      .finally(() => {
        reading = undefined;
        if (stopped) return;
        if (again) {
          again = false;
          read();
        } else timer = setTimeout(read, pollMs);
      });
  };
  read();

  return {
    local(events, tx) {
      if (stopped || tx <= position.tx) return;
      handedLocally.add(tx);
      hand(events);
    },
    poke: read,
    async settle() {
      read();
      while (reading) await reading;
    },
    position: () => position,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await reading;
    },
  };
}
