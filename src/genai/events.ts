import { createHash } from 'node:crypto';
import { checkEvent, type AcceptedEvent } from '../events/envelope.js';
import { GENAI_EVENT_TYPES } from './event-types.js';

/** Events the leader derives from GenAI rollups carry this source: their ids are unique within it. */
export const GENAI_SOURCE = 'otlp';

/** Ids are at most 200 characters (src/events/envelope.ts); a long key is hashed to keep room. */
const MAX_KEY_IN_ID = 120;

/**
 * The id of a signal about `key` for the window ending at `windowEnd`: the same on every run and
 * every replica, so deriving a window twice stores one event (the writer keeps the first of a
 * (source, id) pair and counts the rest as duplicates).
 */
export function signalId(type: string, key: string, windowEnd: number): string {
  const shownKey = key.length > MAX_KEY_IN_ID ? createHash('sha256').update(key).digest('hex').slice(0, 32) : key;
  return `otlp:${type}:${shownKey}:${new Date(windowEnd).toISOString().slice(0, 16)}`;
}

/**
 * A signal as the intake would accept it: checked by the vocabulary like any sender's event, so
 * a derivation cannot store what a platform could not send. Undefined when the check fails (a
 * name the vocabulary refuses): one bad signal must not hold back the others.
 */
export function signalEvent(type: string, key: string, windowEnd: number, attributes: Record<string, unknown>): AcceptedEvent | undefined {
  const checked = checkEvent(
    { id: signalId(type, key, windowEnd), type, source: GENAI_SOURCE, occurredAt: new Date(windowEnd).toISOString(), attributes },
    0,
  );
  if (!checked.ok) return undefined;
  // Until the vocabulary lists this module's types it does not check them: checked here instead.
  const own = Object.hasOwn(GENAI_EVENT_TYPES, type) ? GENAI_EVENT_TYPES[type as keyof typeof GENAI_EVENT_TYPES] : undefined;
  if (checked.event.known || !own) return checked.event;
  const parsed = own.safeParse(checked.event.attributes);
  return parsed.success ? { ...checked.event, attributes: parsed.data as Record<string, unknown> } : undefined;
}

/** 0.3333… → 0.3333: an error rate an event and a card can quote. */
export const rounded = (value: number): number => Math.round(value * 10_000) / 10_000;
