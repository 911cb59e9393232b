import type { Db } from '../../db/client.js';
import { EVENT_TYPES, isKnownEventType, type EventAttributes, type EventType } from '../../events/vocabulary.js';
import type { StoredEvent } from '../../intake/event-writer.js';
import { workHandlers } from './apply-work-events.js';
import { agentHandlers } from './apply-agent-events.js';

/** How one event type changes the model; `at` is when it happened on the platform. */
export type EventHandler<K extends EventType> = (db: Db, attributes: EventAttributes<K>, at: Date) => Promise<void>;
export type EventHandlers = { [K in EventType]?: EventHandler<K> };

const HANDLERS: EventHandlers = { ...agentHandlers, ...workHandlers };

/**
 * The scenario player (and a real platform feeding the intake) describes what happens on the
 * platform as events; this folds them into the simulator's model, in arrival order, so reads and
 * actions see the same outage the insights do. Types the model has no state for are ignored, as
 * are attributes that do not parse: a malformed event must not stop the ones after it.
 */
export async function applyEvents(db: Db, events: StoredEvent[], now: () => Date): Promise<void> {
  for (const event of events) {
    if (!isKnownEventType(event.type)) continue;
    await applyOne(db, event.type, event.attributes, occurredAt(event.occurredAt, now));
  }
}

async function applyOne<K extends EventType>(db: Db, type: K, raw: unknown, at: Date): Promise<void> {
  const handler = HANDLERS[type] as EventHandler<K> | undefined;
  if (!handler) return;
  const parsed = EVENT_TYPES[type].safeParse(raw);
  if (!parsed.success) return;
  await handler(db, parsed.data as EventAttributes<K>, at);
}

function occurredAt(value: string, now: () => Date): Date {
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? now() : at;
}
