import type { EventAttributes, EventType } from '../../events/vocabulary.js';
import type { Signal, SignalWindow } from '../signal-window.js';
import type { ActionSpec } from './entry.js';
import type { Gap } from '../../cluster/presence.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/**
 * Events of `type` up to `now`, oldest first. A replay evaluated mid-story, or a sender whose
 * clock runs fast, must not show a rule the future.
 */
export function upTo<T extends EventType>(window: SignalWindow, type: T, now: number): Signal<T>[] {
  const all = window.all(type);
  let end = all.length;
  while (end > 0 && all[end - 1]!.at > now) end--;
  return all.slice(0, end);
}

/** The newest event of `type` per value of attribute `key` (per runtime, per server...), as of `now`. */
export function latestBy<T extends EventType>(
  window: SignalWindow,
  type: T,
  key: keyof EventAttributes<T> & string,
  now: number,
): Map<string, Signal<T>> {
  const latest = new Map<string, Signal<T>>();
  for (const signal of upTo(window, type, now)) {
    const id = (signal.attributes as Record<string, unknown>)[key];
    if (typeof id === 'string') latest.set(id, signal);
  }
  return latest;
}

/** True when `later` happened after `earlier` (or `earlier` never happened). */
/**
 * From when a silence counts: `at`, or the end of Triage's own downtime if one ended after it.
 * A time-based rule measures from here, so after Triage comes back the platform has the rule's
 * whole threshold to be heard from again before anything is judged (docs/architecture.md,
 * "Triage's own downtime").
 */
export function heardSince(gaps: readonly Gap[], at: number): number {
  let since = at;
  for (const gap of gaps) if (gap.to > since) since = gap.to;
  return since;
}

export const isNewer = (later: { at: number } | undefined, earlier: { at: number } | undefined): boolean =>
  !!later && (!earlier || later.at > earlier.at);

// Senders add attributes the vocabulary does not name (a cause, who holds a lock): read them warily.
export const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);
export const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** part / whole, or undefined for a zero whole: a rule must not throw or report Infinity on a zero baseline. */
export const ratio = (part: number, whole: number): number | undefined => (whole > 0 ? part / whole : undefined);

/** 1.247 → "124%": floored, as the seed quotes $12.47 of $10.00 as "124% of limit". */
export const percent = (r: number): string => `${Math.floor(r * 100 + 1e-9)}%`;
export const usd = (amount: number): string => `$${amount.toFixed(2)}`;
export const words = (code: string): string => code.replace(/_/g, ' ');
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A wall-clock time for cards; absolute, so the evidence (and its hash) does not change every tick. */
export const clock = (at: number): string => `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** "Ticket #9" before "Ticket #47", as people read them. */
export const naturally = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

export const dismiss: ActionSpec = { action: 'dismiss', label: 'Dismiss' };

export type QueueTrend = { queue: string; first: Signal<'queue.depth'>; last: Signal<'queue.depth'>; samples: number };

/** First and last depth per queue of one kind within the window: "rising" compares the two. */
export function queueTrends(window: SignalWindow, kind: 'task' | 'dead_letter', withinMs: number, now: number): QueueTrend[] {
  const trends = new Map<string, QueueTrend>();
  for (const s of window.recent('queue.depth', withinMs, now)) {
    if (s.attributes.kind !== kind) continue;
    const trend = trends.get(s.attributes.queue);
    if (trend) trends.set(s.attributes.queue, { ...trend, last: s, samples: trend.samples + 1 });
    else trends.set(s.attributes.queue, { queue: s.attributes.queue, first: s, last: s, samples: 1 });
  }
  return [...trends.values()];
}
