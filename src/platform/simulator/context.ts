import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Database } from '../../db/client.js';
import type { EVENT_TYPES, EventType, TypedEvent } from '../../events/vocabulary.js';
import { reasonOf } from '../../db/error-reason.js';
import { err, type Result } from '../../result.js';
import type { PlatformError, PlatformErrorCode, PlatformResult } from '../port.js';

/** What every simulator module needs: the database, the clock, and a way to tell the intake. */
export type SimContext = {
  database: Database;
  now: () => Date;
  /** Hands events to the intake; never rejects (see `createPublisher`). */
  publish: (events: TypedEvent[]) => Promise<void>;
};

export const SIMULATOR_SOURCE = 'simulator';

/** An event as the simulated platform would send it: unique id, so the intake never dedupes two. */
export function simEvent<T extends EventType>(
  type: T,
  attributes: z.input<(typeof EVENT_TYPES)[T]>,
  at: Date,
): TypedEvent<T> {
  return { id: `sim-${randomUUID()}`, type, source: SIMULATOR_SOURCE, occurredAt: at.toISOString(), attributes } as TypedEvent<T>;
}

/**
 * The state change already happened when we publish, and it is the truth the next read returns;
 * a failed notification must not turn a done restart into an error the operator retries.
 */
export function createPublisher(
  emit: (events: TypedEvent[]) => Promise<void>,
  onError: (error: unknown, context: string) => void,
): SimContext['publish'] {
  return async (events) => {
    if (!events.length) return;
    try {
      await emit(events);
    } catch (error) {
      onError(error, `emitting ${events.map((e) => e.type).join(', ')}`);
    }
  };
}

export const fail = (code: PlatformErrorCode, message: string): { ok: false; error: PlatformError } =>
  err({ code, message });

/** A database failure inside the simulator is the platform being unavailable, never a throw. */
export async function guard<T>(what: string, fn: () => Promise<Result<T, PlatformError>>): PlatformResult<T> {
  try {
    return await fn();
  } catch (error) {
    // The driver's reason, never drizzle's "Failed query: <sql> params: …".
    return fail('unavailable', `the simulated platform could not ${what}: ${reasonOf(error)}`);
  }
}

export const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

/** Employee and provider ids are lower-case names: events say "Mike" or "OpenAI". */
export const entityKey = (name: string): string =>
  name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'unknown';

export function requireText(value: unknown, field: string, max = 500): Result<string, PlatformError> {
  if (typeof value !== 'string' || !value.trim()) return fail('invalid_input', `${field} must be a non-empty text`);
  if (value.length > max) return fail('invalid_input', `${field} must be at most ${max} characters`);
  return { ok: true, value: value.trim() };
}
