import { z } from 'zod';
import { EVENT_TYPES, isKnownEventType } from './vocabulary.js';

/** The envelope every inbound event shares, whatever its type. */
export const EventEnvelope = z.strictObject({
  id: z.string().min(1).max(200).optional(),
  type: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/, 'must be dotted lower-case words, e.g. runtime.heartbeat'),
  source: z.string().min(1).max(200),
  occurredAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 timestamp with a zone, e.g. 2026-05-03T14:32:00Z' }),
  attributes: z.record(z.string(), z.unknown()).default({}),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** An event that passed validation, ready to store. */
export type AcceptedEvent = EventEnvelope & { known: boolean };

export type EventProblem = { index: number; field: string; reason: string };

export type EventCheck = { ok: true; event: AcceptedEvent } | { ok: false; problems: EventProblem[] };

/**
 * Envelope and attributes are both checked even when one fails, so a sender fixes every mistake
 * in one round instead of discovering them one at a time. Unknown types are accepted (and warned
 * about by the caller): a platform may be newer than this Triage.
 */
export function checkEvent(raw: unknown, index: number): EventCheck {
  const envelope = EventEnvelope.safeParse(raw);
  const rawObject = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const type = envelope.success ? envelope.data.type : rawObject.type;
  const attributesSchema = typeof type === 'string' && isKnownEventType(type) ? EVENT_TYPES[type] : undefined;
  const attributes = attributesSchema?.safeParse(envelope.success ? envelope.data.attributes : (rawObject.attributes ?? {}));
  const problems = [
    ...(envelope.success ? [] : toProblems(index, [], envelope.error)),
    ...(attributes && !attributes.success ? toProblems(index, ['attributes'], attributes.error) : []),
  ].filter((p, i, all) => all.findIndex((q) => q.field === p.field) === i);
  if (problems.length || !envelope.success) return { ok: false, problems };
  const event = envelope.data;
  if (!attributes) return { ok: true, event: { ...event, known: false } };
  return { ok: true, event: { ...event, attributes: attributes.data as Record<string, unknown>, known: true } };
}

function toProblems(index: number, prefix: string[], error: z.ZodError): EventProblem[] {
  return error.issues.map((issue) => ({
    index,
    field: [...prefix, ...issue.path.map(String)].join('.') || '(event)',
    reason: issue.message,
  }));
}
