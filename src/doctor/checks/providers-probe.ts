import type { ProviderProbe } from '../config.js';

export type HealthStatus = 'connected' | 'degraded' | 'down';
export type ProbeOutcome = { status: HealthStatus; reason?: string };

/** A probe waits this many times its degraded threshold before calling the provider down. */
const GIVE_UP_FACTOR = 2;

/** Socket and DNS codes as an operator says them; anything else keeps its code. */
const CODE_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_SOCKET: 'connection closed',
  ENOENT: 'command not found',
  EACCES: 'permission denied',
};

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

const clip = (text: string, max = 160): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/**
 * Why a network call failed, in a few words. fetch only says "fetch failed": the useful part
 * (ECONNREFUSED, ENOTFOUND) is in `cause`. An aborted deadline reads as "timeout".
 */
export function networkReason(error: unknown, deadline?: AbortSignal): string {
  if (deadline?.aborted) return 'timeout';
  const name = (error as { name?: unknown } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  for (const candidate of [error, (error as { cause?: unknown } | undefined)?.cause]) {
    const code = (candidate as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string') return CODE_WORDS[code] ?? code;
  }
  const cause = (error as { cause?: { message?: unknown } } | undefined)?.cause;
  if (typeof cause?.message === 'string') return clip(cause.message);
  return clip(error instanceof Error ? error.message : String(error));
}

/**
 * One GET of the provider's URL. Any answer below 500 means it is reachable (a 401 without a key is
 * still an answer); the time to the first byte against `degradedAfterMs` says whether it is slow.
 */
export async function probeProvider(probe: ProviderProbe, signal: AbortSignal, clock: () => number = Date.now): Promise<ProbeOutcome> {
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(probe.degradedAfterMs * GIVE_UP_FACTOR)]);
  const started = clock();
  try {
    const response = await fetch(probe.url, { method: 'GET', signal: deadline, redirect: 'manual' });
    const tookMs = clock() - started;
    // The body is not needed; cancelling it frees the socket at once.
    await response.body?.cancel().catch(() => {});
    if (response.status >= 500) return { status: 'down', reason: `HTTP ${response.status}` };
    if (tookMs > probe.degradedAfterMs) return { status: 'degraded', reason: `slow response, ${seconds(tookMs)}` };
    return { status: 'connected' };
  } catch (error) {
    return { status: 'down', reason: networkReason(error, deadline) };
  }
}
