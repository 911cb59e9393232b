import { z } from 'zod';
import { checkEvent, type AcceptedEvent, type EventProblem } from '../events/envelope.js';

export const EventBatchShape = z.strictObject({ events: z.array(z.unknown()) });

export type BatchWarning = { index: number; code: 'unknown_type'; message: string };

export type BatchCheck =
  | { ok: true; events: AcceptedEvent[]; warnings: BatchWarning[] }
  | { ok: false; message: string; problems: EventProblem[] };

/** Validates a whole batch; one bad event rejects all of them, so nothing is half-written. */
export function checkBatch(body: unknown, maxEvents: number): BatchCheck {
  const shape = EventBatchShape.safeParse(body);
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
  raw.forEach((item, index) => {
    const checked = checkEvent(item, index);
    if (!checked.ok) {
      problems.push(...checked.problems);
      return;
    }
    events.push(checked.event);
    if (!checked.event.known) {
      warnings.push({
        index,
        code: 'unknown_type',
        message: `type "${checked.event.type}" is not in Triage's event registry; stored, but no rule reads it`,
      });
    }
  });
  if (problems.length) {
    const bad = new Set(problems.map((p) => p.index)).size;
    return { ok: false, message: `${bad} of ${raw.length} events are invalid; nothing was stored`, problems };
  }
  return { ok: true, events, warnings };
}
