import { backoffCeiling, type Random } from '../resilience/backoff.js';
import { createCircuitBreaker, type BreakerState } from '../resilience/circuit-breaker.js';
import { retry } from '../resilience/retry.js';
import { TimeoutError, withTimeout } from '../resilience/timeout.js';
import { err, type Result } from '../result.js';
import type { Platform, PlatformError } from './port.js';

export type GuardOptions = {
  /** Each try's own deadline. */
  timeoutMs: number;
  /** Tries per call, the first included. */
  attempts: number;
  /** Full-jitter backoff between tries: random(0, min(capMs, baseMs·2^n)). */
  baseMs?: number;
  capMs?: number;
  breaker: { failureThreshold: number; openMs: number };
  now?: () => number;
  random?: Random;
  sleep?: (ms: number) => Promise<void>;
};

export type GuardedPlatform = Platform & {
  breaker(): { state: BreakerState; probeAt: number | null };
  /** Whether the platform declares that it honours Idempotency-Key (asked, then trusted a while). */
  honoursKeys(): Promise<boolean>;
};

const DEFAULT_BASE_MS = 200;
const DEFAULT_CAP_MS = 2_000;

/**
 * How each call may be repeated after a failure (docs/platform-api.md, "Idempotency").
 * - `read`: a list; repeating it is always safe.
 * - `action`: changes something, and a second restart (or a second +$5 override) must not follow
 *   a first one nobody saw finish. It is repeated only when the failure proves the platform never
 *   received it (no connection was made), or when the platform declares that it honours
 *   Idempotency-Key: every try carries the same key, so a repeat of one it did is answered from its
 *   record instead of being done again.
 * A Record, so adding a call to the port without deciding its policy does not compile.
 */
const POLICY: Record<keyof Platform, 'read' | 'action'> = {
  capabilities: 'read',
  listEmployees: 'read',
  listRuntimes: 'read',
  listLoops: 'read',
  listRoutines: 'read',
  listMcpServers: 'read',
  listProviders: 'read',
  listWorkers: 'read',
  listTasks: 'read',
  listWorkstreams: 'read',
  listBreakers: 'read',
  restartRuntime: 'action',
  cancelLoop: 'action',
  grantBudgetOverride: 'action',
  restartMcpServer: 'action',
  resetCircuitBreaker: 'action',
  retryTask: 'action',
  skipTask: 'action',
  restartWorker: 'action',
  rollbackWorkstream: 'action',
  perform: 'action',
};

const RETRIED = {
  read: new Set<PlatformError['code']>(['unavailable', 'timeout', 'unreachable']),
  /** Nothing was sent: safe whatever the platform does with keys. */
  action: new Set<PlatformError['code']>(['unreachable']),
  /** The platform may have received it, and will answer a repeat of the same key from its record. */
  keyedAction: new Set<PlatformError['code']>(['unreachable', 'unavailable', 'timeout']),
};
/** How long a platform's answer about honouring keys is trusted before it is asked again. */
const CAPABILITIES_TTL_MS = 10 * 60_000;
/** Only these say the platform itself is unwell; a 404 or 409 is a healthy platform saying no. */
const BREAKER_FAILURES: ReadonlySet<PlatformError['code']> = new Set(['unavailable', 'timeout', 'unreachable']);

/** Carries a PlatformError through retry() and the breaker, which both speak in thrown errors. */
class CallFailed extends Error {
  constructor(
    readonly failure: PlatformError,
    /** Whether another try is safe and may help (decided per call's policy, see POLICY). */
    readonly repeatable: boolean,
  ) {
    super(failure.message);
  }
}

/**
 * The Platform port behind a circuit breaker, bounded retries with full jitter and a deadline
 * per try. Still never throws: every failure comes back as a PlatformError result.
 */
export function guardPlatform(platform: Platform, options: GuardOptions): GuardedPlatform {
  const now = options.now ?? Date.now;
  const threshold = options.breaker.failureThreshold;
  const breaker = createCircuitBreaker({
    ...options.breaker,
    now,
    isFailure: (error) => !(error instanceof CallFailed) || BREAKER_FAILURES.has(error.failure.code),
  });

  const tryOnce = async <T>(name: keyof Platform, call: () => Promise<Result<T, PlatformError>>): Promise<T> => {
    const result = await withTimeout(() => call(), options.timeoutMs, { label: name }).catch((error: unknown) => err(asFailure(name, error, options.timeoutMs)));
    if (!result.ok) throw new CallFailed(result.error, await repeatable(name, result.error.code));
    return result.value;
  };

  let honours: { value: boolean; at: number } | null = null;
  /**
   * Asked only when an action failed in a way that may have reached the platform, once per TTL,
   * unguarded: a platform that cannot say is one that does not honour keys.
   */
  const honoursKeys = async (): Promise<boolean> => {
    if (honours && now() - honours.at < CAPABILITIES_TTL_MS) return honours.value;
    const asked = await withTimeout(() => platform.capabilities(), options.timeoutMs, { label: 'capabilities' }).catch(() => null);
    if (!asked?.ok) return false;
    honours = { value: asked.value.idempotencyKeys, at: now() };
    return honours.value;
  };

  const repeatable = async (name: keyof Platform, code: PlatformError['code']): Promise<boolean> => {
    if (POLICY[name] === 'read') return RETRIED.read.has(code);
    if (RETRIED.action.has(code)) return true;
    return RETRIED.keyedAction.has(code) && (await honoursKeys());
  };

  const guarded = async <T>(name: keyof Platform, call: () => Promise<Result<T, PlatformError>>): Promise<Result<T, PlatformError>> => {
    // A half-open probe asks "are you back?" once; retrying it would hammer a platform still down.
    const attempts = breaker.snapshot().state === 'half_open' ? 1 : options.attempts;
    const outcome = await breaker.call(async () => {
      const tried = await retry(() => tryOnce(name, call), {
        attempts,
        baseMs: options.baseMs ?? DEFAULT_BASE_MS,
        capMs: options.capMs ?? DEFAULT_CAP_MS,
        shouldRetry: (error) => error instanceof CallFailed && error.repeatable,
        random: options.random,
        sleep: options.sleep,
      });
      if (!tried.ok) throw tried.error.error;
      return tried.value;
    });
    if (outcome.ok) return { ok: true, value: outcome.value };
    if (outcome.error.code === 'failed') return err(asFailure(name, outcome.error.error, options.timeoutMs));
    return err({ code: 'unavailable', message: openMessage(outcome.error.probeAt - now(), outcome.error.probeInFlight, threshold) });
  };

  const wrapped = Object.fromEntries(
    (Object.keys(POLICY) as (keyof Platform)[]).map((name) => {
      // Each method keeps its own signature; the cast only bridges Object.fromEntries' loss of it.
      const method = platform[name] as (...args: unknown[]) => Promise<Result<unknown, PlatformError>>;
      return [name, (...args: unknown[]) => guarded(name, () => method.apply(platform, args))];
    }),
  ) as unknown as Platform;

  return {
    ...wrapped,
    honoursKeys,
    breaker: () => {
      const { state, probeAt } = breaker.snapshot();
      return { state, probeAt };
    },
  };
}

/**
 * The longest one guarded call can take: every try hitting its deadline plus the longest
 * possible wait between tries. A watchdog waiting less would fail calls that are still retrying.
 */
export function guardedCallBudgetMs(options: Pick<GuardOptions, 'timeoutMs' | 'attempts' | 'baseMs' | 'capMs'>): number {
  let total = options.attempts * options.timeoutMs;
  for (let n = 0; n < options.attempts - 1; n++) {
    total += backoffCeiling(n, { baseMs: options.baseMs ?? DEFAULT_BASE_MS, capMs: options.capMs ?? DEFAULT_CAP_MS });
  }
  return total;
}

function asFailure(name: keyof Platform, error: unknown, timeoutMs: number): PlatformError {
  if (error instanceof CallFailed) return error.failure;
  if (error instanceof TimeoutError) {
    const mayHaveHappened = POLICY[name] === 'read' ? '' : '; it may still take effect';
    return { code: 'timeout', message: `the platform did not answer ${name} within ${seconds(timeoutMs)}${mayHaveHappened}` };
  }
  // The port promises never to throw; an adapter that does anyway is treated as a platform failure.
  return { code: 'unavailable', message: `the platform call ${name} failed: ${(error as Error | null)?.message ?? String(error)}` };
}

function openMessage(remainingMs: number, probing: boolean, threshold: number): string {
  const why = `circuit breaker open after ${threshold} failure${threshold === 1 ? '' : 's'}`;
  if (probing) return `the platform is failing; Triage is testing it with one call right now, try again in a moment (${why})`;
  // Rounded up: "0 s more" would invite a click that is still refused.
  return `the platform is failing; Triage stopped calling it for ${Math.max(1, Math.ceil(remainingMs / 1_000))} s more (${why})`;
}

const seconds = (ms: number): string => (ms < 1_000 ? `${ms} ms` : `${Number((ms / 1_000).toFixed(1))} s`);
