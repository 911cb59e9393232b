import { type Random } from '../resilience/backoff.js';
import { parseRetryAfter, retry } from '../resilience/retry.js';
import { TimeoutError, withTimeout } from '../resilience/timeout.js';
import { err, ok, type Result } from '../result.js';
import type { TicketError } from './port.js';

/**
 * One GitHub API call with a deadline per try and bounded, fully jittered retries on what may
 * pass (5xx, network errors, timeouts, rate limits that name a short wait), and every failure
 * turned into a TicketError a person can act on. The token never appears in a message.
 */
export type CallOptions = {
  repository: string;
  token: string;
  timeoutMs: number;
  attempts: number;
  baseMs: number;
  capMs: number;
  random?: Random;
  sleep?: (ms: number) => Promise<void>;
};

/** What @octokit/request throws: a status (500 for network errors) and maybe the response. */
type HttpError = { status: number; message: string; response?: { headers?: Record<string, string | undefined> } };

const asHttp = (error: unknown): HttpError | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number' ? (error as HttpError) : undefined;

const header = (error: HttpError, name: string): string | undefined => error.response?.headers?.[name];

/** GitHub says "rate limit" with a 403 (secondary limits) or a 429; neither is about permissions. */
const rateLimited = (error: HttpError): boolean =>
  error.status === 429 || (error.status === 403 && (header(error, 'x-ratelimit-remaining') === '0' || /rate limit/i.test(error.message)));

export function isTransient(error: unknown): boolean {
  if (error instanceof TimeoutError) return true;
  const http = asHttp(error);
  return !!http && (http.status >= 500 || rateLimited(http));
}

export async function callGitHub<T>(what: string, fn: (signal: AbortSignal) => Promise<T>, options: CallOptions): Promise<Result<T, TicketError>> {
  const result = await retry((attempt) => withTimeout(fn, options.timeoutMs, { label: `GitHub: ${what} (try ${attempt})` }), {
    attempts: options.attempts,
    baseMs: options.baseMs,
    capMs: options.capMs,
    shouldRetry: isTransient,
    retryAfterMs: (error) => {
      const http = asHttp(error);
      return http ? parseRetryAfter(header(http, 'retry-after')) : undefined;
    },
    // A wait longer than this is better reported than slept through inside a chat command.
    maxRetryAfterMs: 30_000,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
  if (result.ok) return ok(result.value);
  const error = describe(what, result.error.error, result.error.attempts, options);
  return err({ ...error, message: error.message.replaceAll(options.token, '[redacted]') });
}

function describe(what: string, error: unknown, attempts: number, options: CallOptions): TicketError {
  const repo = options.repository;
  const tries = attempts === 1 ? '' : ` after ${attempts} tries`;
  if (error instanceof TimeoutError) {
    return { code: 'unavailable', message: `GitHub did not answer within ${options.timeoutMs / 1000} s while trying to ${what}${tries}. Try again later; https://www.githubstatus.com shows outages.` };
  }
  const http = asHttp(error);
  if (!http) return { code: 'unavailable', message: `Could not ${what} on GitHub: ${error instanceof Error ? error.message : String(error)}${tries}.` };
  if (rateLimited(http)) {
    return { code: 'unavailable', message: `GitHub's rate limit stopped Triage from trying to ${what} in ${repo}${tries}. Try again in a few minutes.` };
  }
  if (http.status === 401) {
    return {
      code: 'forbidden',
      message: `GitHub rejected GITHUB_TOKEN (401 Bad credentials) while trying to ${what}: it is expired, revoked or mistyped. Set GITHUB_TOKEN to a token with the Issues: write permission on ${repo}.`,
    };
  }
  if (http.status === 403) {
    return {
      code: 'forbidden',
      message: `GitHub refused to ${what} in ${repo} (403): GITHUB_TOKEN is missing the Issues: write permission on ${repo}. Give the token "Issues: Read and write" (fine-grained) or the "repo" scope (classic), then run /improve again.`,
    };
  }
  if (http.status === 404) {
    return { code: 'invalid', message: `GitHub has no repository ${repo} that GITHUB_TOKEN can see (404). Check GITHUB_REPOSITORY (owner/name) and that the token has access to it.` };
  }
  if (http.status >= 500) {
    const status = http.response ? `${http.status}` : `network error: ${http.message}`;
    return { code: 'unavailable', message: `GitHub failed to ${what} (${status})${tries}. Try again later; https://www.githubstatus.com shows outages.` };
  }
  return { code: 'invalid', message: `GitHub refused to ${what} in ${repo} (${http.status}: ${firstLine(http.message)}).` };
}

/** Octokit appends the documentation URL after the message; people need the message. */
const firstLine = (message: string): string => message.split(' - https://')[0]!.trim();
