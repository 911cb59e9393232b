import type { EventType, TypedEvent } from '../../events/vocabulary.js';

/** An event and when the player sends it, in ms after the run starts (before any speed-up). */
export type ScheduledEvent = { atMs: number; event: TypedEvent };

export type Scenario = {
  name: string;
  title: string;
  description: string;
  build(start: Date): ScheduledEvent[];
};

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const min = (n: number): number => n * MINUTE;

type Attributes<T extends EventType> = Extract<TypedEvent, { type: T }>['attributes'];

/**
 * The run id comes from the start time, so replaying the same run (same start) is deduplicated by
 * the intake, while a new run is stored afresh.
 */
export function runId(start: Date): string {
  return start.toISOString().replace(/[-:.]/g, '');
}

export type Timeline = {
  /** Events emitted next are sent `atMs` after the run starts. */
  at(atMs: number): Timeline;
  /** One event that happened `agoMs` before the run's start: story time, never waited for. */
  emit<T extends EventType>(agoMs: number, type: T, attributes: Attributes<T>): Timeline;
  /** The same kind of event every `everyMs`, from `fromAgoMs` down to `toAgoMs` (heartbeats, samples). */
  repeat<T extends EventType>(fromAgoMs: number, toAgoMs: number, everyMs: number, type: T, attributes: Attributes<T>): Timeline;
  /** The events in send order; ids are numbered in the order they were emitted. */
  events(): ScheduledEvent[];
};

/**
 * Scenarios are written as a story: time the story needs (loops stuck for 50 minutes, a backup an
 * hour ago) lives in `occurredAt`, while `atMs` keeps the real playback a few seconds long.
 * Nothing is dated after the start, so no speed-up can make an event arrive from the future.
 */
export function timeline(name: string, start: Date, source: string): Timeline {
  const id = runId(start);
  const scheduled: ScheduledEvent[] = [];
  let sendAt = 0;

  const self: Timeline = {
    at(atMs) {
      if (!Number.isFinite(atMs) || atMs < sendAt) throw new RangeError(`${name}: send times must not go backwards (${atMs} < ${sendAt})`);
      sendAt = atMs;
      return self;
    },
    emit(agoMs, type, attributes) {
      if (!Number.isFinite(agoMs) || agoMs < 0) throw new RangeError(`${name}: events happen before the start, not ${agoMs} ms after`);
      const event = {
        id: `${name}:${id}:${scheduled.length + 1}`,
        type,
        source,
        occurredAt: new Date(start.getTime() - agoMs).toISOString(),
        attributes,
      } as TypedEvent;
      scheduled.push({ atMs: sendAt, event });
      return self;
    },
    repeat(fromAgoMs, toAgoMs, everyMs, type, attributes) {
      for (let ago = fromAgoMs; ago >= toAgoMs; ago -= everyMs) self.emit(ago, type, attributes);
      return self;
    },
    events: () => [...scheduled],
  };
  return self;
}
