import { randomUUID } from 'node:crypto';
import type { TypedEvent } from '../../src/events/vocabulary.js';
import type { StoredEvent } from '../../src/intake/event-writer.js';
import type { Result } from '../../src/result.js';
import type { ActionCall, PlatformError } from '../../src/platform/port.js';

/** An event as the intake would hand it over after storing it. */
export function stored(type: string, attributes: Record<string, unknown>, occurredAt = new Date().toISOString()): StoredEvent {
  return { type, source: 'scenario', occurredAt, attributes, known: true, eventKey: randomUUID() };
}

/** Collects what the simulator emits towards the intake. */
export function emitted() {
  const events: TypedEvent[] = [];
  return {
    events,
    emit: async (batch: TypedEvent[]) => {
      events.push(...batch);
    },
    ofType: (type: string) => events.filter((e) => e.type === type),
  };
}

export function value<T>(result: Result<T, PlatformError>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

export function errorOf<T>(result: Result<T, PlatformError>): PlatformError {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

export const byId = <T extends { id: string }>(items: T[], id: string): T | undefined => items.find((i) => i.id === id);

/** A fresh Idempotency-Key: each call a new intent, as each button press is. */
export const newKey = (): ActionCall => ({ idempotencyKey: `test-${randomUUID()}` });
