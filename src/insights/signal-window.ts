import type { EventAttributes, EventType } from '../events/vocabulary.js';
import type { StoredEvent } from '../intake/event-writer.js';

/** A stored event whose attributes are known to match its type (they passed the registry). */
export type Signal<T extends EventType = EventType> = Omit<StoredEvent, 'attributes' | 'type'> & {
  type: T;
  attributes: EventAttributes<T>;
  at: number;
};

/**
 * Recent events by type, in memory: the view insight rules read. Rules run on every intake batch
 * and on a tick, so they must not query the database; the window is rebuilt from the events
 * table at start-up, which makes it restart-safe. Time is the events' own `occurredAt`: a
 * scenario or a backfill carries the story's time, not the time it was received.
 */
export class SignalWindow {
  private readonly byType = new Map<string, Signal[]>();
  private readonly latestByKey = new Map<string, Map<string, Signal>>();
  /** Types whose list got an event older than its last: sorted when next read. */
  private readonly unsorted = new Set<string>();

  constructor(private readonly retentionMs: number = 6 * 60 * 60 * 1000) {}

  /**
   * Events arrive out of order now and then (a scenario's story time runs backwards within a send;
   * the leader gets other replicas' events a poll after its own). They are appended, and a list
   * that went out of order is sorted once when a rule next reads it: batches arrive by the
   * hundred between two evaluations, and merging on every batch was the leader's largest extra
   * cost with two replicas (bench/replicas, --cpu-prof). The sort is stable, so on equal times the
   * events held first stay first (arrival order), and a nearly sorted list sorts in about one pass.
   */
  add(events: readonly StoredEvent[]): void {
    for (const event of events) {
      if (!event.known) continue;
      const signal = { ...event, at: Date.parse(event.occurredAt) } as Signal;
      let list = this.byType.get(event.type);
      if (!list) this.byType.set(event.type, (list = []));
      if (list.length && list[list.length - 1]!.at > signal.at) this.unsorted.add(event.type);
      list.push(signal);
    }
    if (events.length) this.latestByKey.clear();
  }

  /** Events of `type` that occurred within `withinMs` before `now` (and not after it). */
  recent<T extends EventType>(type: T, withinMs: number, now: number): Signal<T>[] {
    const list = this.all(type);
    const from = now - withinMs;
    return list.filter((s) => s.at >= from && s.at <= now);
  }

  /** All retained events of `type`, oldest first. */
  all<T extends EventType>(type: T): Signal<T>[] {
    const list = this.byType.get(type);
    if (!list) return [];
    if (this.unsorted.delete(type)) list.sort(byTime);
    return list as Signal<T>[];
  }

  /** The newest event of `type` per value of attribute `key` (e.g. per runtime). */
  latest<T extends EventType>(type: T, key: keyof EventAttributes<T> & string): Map<string, Signal<T>> {
    const cacheKey = `${type}\u0000${key}`;
    const cached = this.latestByKey.get(cacheKey);
    if (cached) return cached as Map<string, Signal<T>>;
    const latest = new Map<string, Signal<T>>();
    for (const signal of this.all(type)) {
      const id = (signal.attributes as Record<string, unknown>)[key];
      if (typeof id === 'string') latest.set(id, signal);
    }
    this.latestByKey.set(cacheKey, latest as Map<string, Signal>);
    return latest;
  }

  /** Newest occurredAt seen, so time-based rules on replayed stories use the story's clock. */
  newestAt(): number {
    let newest = 0;
    for (const type of this.byType.keys()) {
      const list = this.all(type as EventType);
      newest = Math.max(newest, list[list.length - 1]?.at ?? 0);
    }
    return newest;
  }

  prune(now: number): void {
    const from = now - this.retentionMs;
    for (const type of [...this.byType.keys()]) {
      const list = this.all(type as EventType);
      const firstKept = list.findIndex((s) => s.at >= from);
      if (firstKept === -1) this.byType.delete(type);
      else if (firstKept > 0) list.splice(0, firstKept);
    }
    this.latestByKey.clear();
  }
}

const byTime = (a: Signal, b: Signal): number => a.at - b.at;
