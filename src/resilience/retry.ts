import { err, ok, type Result } from '../result.js';
import { fullJitterDelay, type Random } from './backoff.js';

export type RetryOptions = {
  /** Total tries, the first included; at least 1. */
  attempts: number;
  baseMs: number;
  capMs: number;
  /** Whether this error is worth another try; a 400 is not, a 503 or a reset socket is. */
  shouldRetry: (error: unknown, attempt: number) => boolean;
  /** A server's own hint (Retry-After) in ms; the wait is never shorter than it. */
  retryAfterMs?: (error: unknown) => number | undefined;
  /** A hint longer than this ends the retries instead of parking the caller for hours. */
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: Random;
  /** Called before each wait, so callers can report "retrying in 1.2 s". */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
};

export type RetryFailure = {
  /** The last error seen: what the final try failed with. */
  error: unknown;
  /** How many tries were made. */
  attempts: number;
  reason: 'exhausted' | 'not_retryable' | 'retry_after_too_long';
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Bounded retries with full-jitter backoff. `fn` receives the 1-based attempt number. Expected
 * failures come back as a Result carrying the last error, so callers decide what it means.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<Result<T, RetryFailure>> {
  if (!Number.isInteger(options.attempts) || options.attempts < 1) {
    throw new RangeError(`attempts must be a whole number >= 1; got ${options.attempts}`);
  }
  const wait = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    let error: unknown;
    try {
      return ok(await fn(attempt));
    } catch (caught) {
      error = caught;
    }
    if (!options.shouldRetry(error, attempt)) return err({ error, attempts: attempt, reason: 'not_retryable' });
    if (attempt >= options.attempts) return err({ error, attempts: attempt, reason: 'exhausted' });
    const hint = options.retryAfterMs?.(error);
    if (hint !== undefined && options.maxRetryAfterMs !== undefined && hint > options.maxRetryAfterMs) {
      return err({ error, attempts: attempt, reason: 'retry_after_too_long' });
    }
    const jitter = fullJitterDelay(attempt - 1, { baseMs: options.baseMs, capMs: options.capMs, random: options.random });
    const delayMs = Math.max(jitter, hint !== undefined && Number.isFinite(hint) ? Math.ceil(hint) : 0);
    options.onRetry?.({ attempt, delayMs, error });
    // Even a 0 ms wait yields, so a tight failure loop cannot starve the event loop.
    await wait(delayMs);
  }
}

/**
 * Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). Returns ms to wait,
 * or undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
