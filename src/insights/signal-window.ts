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

  constructor(private readonly retentionMs: number = 6 * 60 * 60 * 1000) {}

  add(events: readonly StoredEvent[]): void {
    let late: Map<string, Signal[]> | undefined;
    for (const event of events) {
      if (!event.known) continue;
      const signal = { ...event, at: Date.parse(event.occurredAt) } as Signal;
      let list = this.byType.get(event.type);
      if (!list) this.byType.set(event.type, (list = []));
      if (list.length && list[list.length - 1]!.at > signal.at) {
        late ??= new Map();
        const behind = late.get(event.type);
        if (behind) behind.push(signal);
        else late.set(event.type, [signal]);
      } else list.push(signal);
    }
    // Events arrive out of order now and then (a scenario's story time runs backwards within a
    // send; the leader gets other replicas' events a poll after its own): the late ones of a batch
    // are sorted among themselves and merged in, one pass, instead of re-sorting the whole list
    // per batch (that sort was a sixth of the leader's CPU with two replicas, bench/replicas).
    for (const [type, behind] of late ?? []) mergeIntoTail(this.byType.get(type)!, behind.sort(byTime));
    if (events.length) this.latestByKey.clear();
  }

  /** Events of `type` that occurred within `withinMs` before `now` (and not after it). */
  recent<T extends EventType>(type: T, withinMs: number, now: number): Signal<T>[] {
    const list = (this.byType.get(type) ?? []) as Signal<T>[];
    const from = now - withinMs;
    return list.filter((s) => s.at >= from && s.at <= now);
  }

  /** All retained events of `type`, oldest first. */
  all<T extends EventType>(type: T): Signal<T>[] {
    return (this.byType.get(type) ?? []) as Signal<T>[];
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
    for (const list of this.byType.values()) newest = Math.max(newest, list[list.length - 1]?.at ?? 0);
    return newest;
  }

  prune(now: number): void {
    const from = now - this.retentionMs;
    for (const [type, list] of this.byType) {
      const firstKept = list.findIndex((s) => s.at >= from);
      if (firstKept === -1) this.byType.delete(type);
      else if (firstKept > 0) list.splice(0, firstKept);
    }
    this.latestByKey.clear();
  }
}

const byTime = (a: Signal, b: Signal): number => a.at - b.at;

/**
 * Merges `late` (sorted) into `held` (sorted) in place. Only the tail of `held` from the first
 * signal newer than the earliest late one is touched: late events are late by a poll or a send,
 * not by hours, and merging the whole list per batch was the leader's largest share of CPU with
 * two replicas (bench/replicas, profiled with --cpu-prof), growing with the window.
 */
function mergeIntoTail(held: Signal[], late: Signal[]): void {
  const first = late[0]!.at;
  // Upper bound: held signals at the same time as the first late one stay before it.
  let lo = 0;
  let hi = held.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (held[mid]!.at <= first) lo = mid + 1;
    else hi = mid;
  }
  const merged = mergeByTime(held.slice(lo), late);
  held.length = lo;
  for (const signal of merged) held.push(signal);
}

/** Both sorted by time; on equal times the signals already held come first (arrival order). */
function mergeByTime(held: Signal[], late: Signal[]): Signal[] {
  const merged: Signal[] = new Array<Signal>(held.length + late.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < held.length && j < late.length) merged[k++] = held[i]!.at <= late[j]!.at ? held[i++]! : late[j++]!;
  while (i < held.length) merged[k++] = held[i++]!;
  while (j < late.length) merged[k++] = late[j++]!;
  return merged;
}

