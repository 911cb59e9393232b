import { AlertBoard } from '../../src/alerts/board.js';
import { checkEvent } from '../../src/events/envelope.js';
import type { EventType, TypedEvent } from '../../src/events/vocabulary.js';
import type { StoredEvent } from '../../src/intake/event-writer.js';
import type { DetectContext, CatalogEntry } from '../../src/insights/catalog/entry.js';
import { emptySnapshot, type PlatformSnapshot } from '../../src/insights/platform-snapshot.js';
import { SignalWindow } from '../../src/insights/signal-window.js';
import type { Gap } from '../../src/cluster/presence.js';

export const NOW = Date.parse('2026-05-03T15:00:00Z');
export const minutesAgo = (m: number, now = NOW): string => new Date(now - m * 60_000).toISOString();

let seq = 0;
/** An event as the intake would store it: validated by the registry, so a bad fixture fails loudly. */
export function stored<T extends EventType>(type: T, minutes: number, attributes: Extract<TypedEvent, { type: T }>['attributes'], now = NOW): StoredEvent {
  const checked = checkEvent({ id: `t-${++seq}`, type, source: 'test', occurredAt: minutesAgo(minutes, now), attributes }, 0);
  if (!checked.ok) throw new Error(`invalid fixture ${type}: ${JSON.stringify(checked.problems)}`);
  return { ...checked.event, eventKey: checked.event.id! };
}

export function windowOf(events: StoredEvent[]): SignalWindow {
  const window = new SignalWindow();
  window.add(events);
  return window;
}

/** Runs one entry's detection with its default thresholds (or overrides). */
export function detect<E extends CatalogEntry>(
  entry: E,
  events: StoredEvent[],
  options: { now?: number; platform?: Partial<PlatformSnapshot>; thresholds?: Record<string, unknown>; gaps?: Gap[] } = {},
) {
  const board = new AlertBoard();
  board.apply(events);
  const ctx: DetectContext<unknown> = {
    window: windowOf(events),
    alerts: board.open(options.now ?? NOW),
    platform: { ...emptySnapshot(), ...options.platform },
    now: options.now ?? NOW,
    thresholds: entry.thresholds.parse(options.thresholds ?? {}),
    gaps: options.gaps ?? [],
  };
  return entry.detect(ctx as never);
}
