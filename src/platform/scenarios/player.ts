import type { Random } from '../../resilience/backoff.js';
import { retry, sleep as realSleep, type RetryFailure } from '../../resilience/retry.js';
import { err, ok, type Result } from '../../result.js';
import type { TypedEvent } from '../../events/vocabulary.js';
import { AttemptError, isTransient, postBatch, type IntakeAnswer } from './post-batch.js';
import type { Scenario, ScheduledEvent } from './timeline.js';

export type PlayCounts = { batches: number; events: number; accepted: number; duplicates: number; warnings: number };

export type PlayErrorCode = 'rejected' | 'unreachable' | 'timeout' | 'server_error' | 'bad_answer';
/** `sent` counts what Triage had already taken when the run stopped. */
export type PlayError = { code: PlayErrorCode; message: string; status?: number; batch: number; sent: PlayCounts };

export type PlayProgress =
  | { kind: 'sent'; batch: number; batches: number; atMs: number; events: number; accepted: number; duplicates: number; warnings: number }
  | { kind: 'retrying'; batch: number; attempt: number; delayMs: number; reason: string };

export type PlayOptions = {
  scenario: Scenario;
  /** Triage's base URL, e.g. http://127.0.0.1:3000. */
  url: string;
  token: string;
  /** 2 plays twice as fast; the story's own timestamps are unaffected. */
  speed: number;
  start?: Date;
  fetch?: typeof globalThis.fetch;
  onProgress?: (progress: PlayProgress) => void;
  requestTimeoutMs?: number;
  retry?: { attempts?: number; baseMs?: number; capMs?: number; maxRetryAfterMs?: number };
  /** Used for the schedule and for backoff waits. */
  sleep?: (ms: number) => Promise<void>;
  random?: Random;
};

const DEFAULTS = { requestTimeoutMs: 10_000, attempts: 5, baseMs: 250, capMs: 4000, maxRetryAfterMs: 60_000 };

/** Events that share a send time travel in one request, as a platform would batch them. */
export function groupBySendTime(events: ScheduledEvent[]): Array<{ atMs: number; events: TypedEvent[] }> {
  const groups: Array<{ atMs: number; events: TypedEvent[] }> = [];
  for (const { atMs, event } of [...events].sort((a, b) => a.atMs - b.atMs)) {
    const last = groups.at(-1);
    if (last && last.atMs === atMs) last.events.push(event);
    else groups.push({ atMs, events: [event] });
  }
  return groups;
}

/**
 * Replays a scenario through Triage's real intake. Sends are scheduled from the run's start (a
 * slow request does not push later batches back). Every request has a timeout; 429, 5xx and
 * network failures are retried with bounded full-jitter backoff, which is safe because event ids
 * make a resent batch a duplicate, not a second copy. Any other 4xx stops the run: retrying a
 * request the server called wrong cannot make it right.
 */
export async function playScenario(options: PlayOptions): Promise<Result<PlayCounts, PlayError>> {
  if (!(Number.isFinite(options.speed) && options.speed > 0)) throw new RangeError(`speed must be a number > 0; got ${options.speed}`);
  const batches = groupBySendTime(options.scenario.build(options.start ?? new Date()));
  const endpoint = `${options.url.replace(/\/+$/, '')}/v1/events`;
  const wait = options.sleep ?? realSleep;
  const counts: PlayCounts = { batches: 0, events: 0, accepted: 0, duplicates: 0, warnings: 0 };
  const began = performance.now();

  for (const [index, batch] of batches.entries()) {
    const due = began + batch.atMs / options.speed - performance.now();
    if (due > 0) await wait(due);
    const number = index + 1;
    const result = await sendBatch(batch.events, number, endpoint, options);
    if (!result.ok) return err(toPlayError(result.error, number, endpoint, counts));
    const { accepted, duplicates } = result.value;
    const warnings = Array.isArray(result.value.warnings) ? result.value.warnings.length : (result.value.warnings ?? 0);
    counts.batches++;
    counts.events += batch.events.length;
    counts.accepted += accepted;
    counts.duplicates += duplicates;
    counts.warnings += warnings;
    options.onProgress?.({ kind: 'sent', batch: number, batches: batches.length, atMs: batch.atMs, events: batch.events.length, accepted, duplicates, warnings });
  }
  return ok(counts);
}

function sendBatch(events: TypedEvent[], batch: number, endpoint: string, options: PlayOptions): Promise<Result<IntakeAnswer, RetryFailure>> {
  const body = JSON.stringify({ events });
  return retry(
    () =>
      postBatch({
        endpoint,
        token: options.token,
        body,
        timeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
        fetch: options.fetch ?? globalThis.fetch,
      }),
    {
      attempts: options.retry?.attempts ?? DEFAULTS.attempts,
      baseMs: options.retry?.baseMs ?? DEFAULTS.baseMs,
      capMs: options.retry?.capMs ?? DEFAULTS.capMs,
      maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
      shouldRetry: isTransient,
      retryAfterMs: (e) => (e instanceof AttemptError && e.failure.kind === 'http' ? e.failure.retryAfterMs : undefined),
      sleep: options.sleep ?? realSleep,
      random: options.random,
      onRetry: ({ attempt, delayMs, error }) =>
        options.onProgress?.({ kind: 'retrying', batch, attempt, delayMs, reason: error instanceof Error ? error.message : String(error) }),
    },
  );
}

function toPlayError(failure: RetryFailure, batch: number, endpoint: string, sent: PlayCounts): PlayError {
  const tries = failure.attempts === 1 ? '1 attempt' : `${failure.attempts} attempts`;
  const base = { batch, sent: { ...sent } };
  if (!(failure.error instanceof AttemptError)) {
    return { ...base, code: 'bad_answer', message: `batch ${batch} failed: ${String(failure.error)}` };
  }
  const f = failure.error.failure;
  switch (f.kind) {
    case 'network':
      return { ...base, code: 'unreachable', message: `could not reach Triage at ${endpoint} (${f.message}) after ${tries}` };
    case 'timeout':
      return { ...base, code: 'timeout', message: `${f.message} (${tries})` };
    case 'bad_answer':
      return { ...base, code: 'bad_answer', message: f.message };
    case 'http': {
      const what = `${f.status}${f.code ? ` ${f.code}` : ''}: ${f.message}`;
      if (failure.reason === 'not_retryable') return { ...base, code: 'rejected', status: f.status, message: `Triage rejected batch ${batch} (${what})` };
      const why = failure.reason === 'retry_after_too_long' ? `asked to retry after ${Math.round((f.retryAfterMs ?? 0) / 1000)} s` : `after ${tries}`;
      return { ...base, code: 'server_error', status: f.status, message: `Triage kept failing batch ${batch} (${what}), ${why}` };
    }
  }
}
