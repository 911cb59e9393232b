import { z } from 'zod';
import { checkEvent, EventEnvelope, type AcceptedEvent, type EventProblem } from '../events/envelope.js';
import { EVENT_TYPES, isKnownEventType, type EventType } from '../events/vocabulary.js';
import { compileFastParser, UNSURE, type FastParser } from './fast-parse.js';

export const EventBatchShape = z.strictObject({ events: z.array(z.unknown()) });

export type BatchWarning = { index: number; code: 'unknown_type'; message: string };

export type BatchCheck =
  | { ok: true; events: AcceptedEvent[]; warnings: BatchWarning[] }
  | { ok: false; message: string; problems: EventProblem[] };

/** Validates a whole batch; one bad event rejects all of them, so nothing is half-written. */
export function checkBatch(body: unknown, maxEvents: number): BatchCheck {
  const fast = fastBatch(body);
  const shape = fast === UNSURE ? EventBatchShape.safeParse(body) : { success: true as const, data: { events: fast } };
  if (!shape.success) {
    return {
      ok: false,
      message: 'body must be {"events": [ ... ]}',
      problems: shape.error.issues.map((i) => ({ index: -1, field: i.path.join('.') || '(body)', reason: i.message })),
    };
  }
  const raw = shape.data.events;
  if (raw.length === 0) return { ok: false, message: 'events is empty; send at least one event', problems: [] };
  if (raw.length > maxEvents) {
    return { ok: false, message: `a batch holds at most ${maxEvents} events; this one has ${raw.length}`, problems: [] };
  }
  const events: AcceptedEvent[] = [];
  const warnings: BatchWarning[] = [];
  const problems: EventProblem[] = [];
  for (let index = 0; index < raw.length; index++) {
    const item = raw[index];
    // zod only when the fast path cannot vouch for the event: it finds every problem and words it.
    let event = fastEvent(item);
    if (!event) {
      const checked = checkEvent(item, index);
      if (!checked.ok) {
        problems.push(...checked.problems);
        continue;
      }
      event = checked.event;
    }
    events.push(event);
    if (!event.known) {
      warnings.push({
        index,
        code: 'unknown_type',
        message: `type "${event.type}" is not in Triage's event registry; stored, but no rule reads it`,
      });
    }
  }
  if (problems.length) {
    const bad = new Set(problems.map((p) => p.index)).size;
    return { ok: false, message: `${bad} of ${raw.length} events are invalid; nothing was stored`, problems };
  }
  return { ok: true, events, warnings };
}

/** `{"events": [...]}` as JSON.parse makes it, without zod copying the array; UNSURE otherwise. */
function fastBatch(body: unknown): unknown[] | typeof UNSURE {
  if (typeof body !== 'object' || body === null || Object.getPrototypeOf(body) !== Object.prototype) return UNSURE;
  const keys = Object.keys(body);
  const events = (body as { events?: unknown }).events;
  return keys.length === 1 && keys[0] === 'events' && Array.isArray(events) ? events : UNSURE;
}

/**
 * The envelope with attributes left as they came: a known type's attributes are checked once,
 * by its own schema, instead of being copied by the envelope's record schema and then again.
 */
const envelopeFields = compileFastParser(EventEnvelope.extend({ attributes: z.unknown() }));
const anyAttributes = compileFastParser(EventEnvelope.shape.attributes.unwrap());
const typeParsers = new Map<EventType, FastParser | undefined>();

function attributesParser(type: EventType): FastParser | undefined {
  if (!typeParsers.has(type)) typeParsers.set(type, compileFastParser(EVENT_TYPES[type]));
  return typeParsers.get(type);
}

/**
 * What checkEvent would accept, built without zod; undefined when the fast path is not sure
 * (then checkEvent decides and explains). test/intake/fast-parse.test.ts holds the two equal.
 */
export function fastEvent(raw: unknown): AcceptedEvent | undefined {
  if (!envelopeFields || !anyAttributes) return undefined;
  const event = envelopeFields(raw) as (AcceptedEvent & { attributes: unknown }) | typeof UNSURE;
  if (event === UNSURE) return undefined;
  const known = isKnownEventType(event.type);
  const parse = known ? attributesParser(event.type as EventType) : anyAttributes;
  // The envelope's record check also refuses symbol keys, which a looser type schema would
  // pass over; JSON has none, but objects built in code might.
  const attributes = event.attributes;
  if (!parse || (known && hasSymbols(attributes))) return undefined;
  const parsed = parse(attributes);
  if (parsed === UNSURE) return undefined;
  event.attributes = parsed as Record<string, unknown>;
  event.known = known;
  return event;
}

const hasSymbols = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && Object.getOwnPropertySymbols(value).length > 0;
