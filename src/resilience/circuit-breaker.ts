import { err, ok, type Result } from '../result.js';

/**
 * Fails fast while a dependency is known to be broken, so callers stop piling timeouts (and
 * retry storms) onto it, then lets exactly one probe test whether it is back.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export type BreakerOptions = {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one probe is let through. */
  openMs: number;
  /** Milliseconds since the epoch; injectable so tests move time by hand. */
  now?: () => number;
  /** Errors that say nothing about the dependency's health (a 400) should not count. */
  isFailure?: (error: unknown) => boolean;
  onStateChange?: (change: { from: BreakerState; to: BreakerState; at: number }) => void;
};

export type BreakerError =
  /** Rejected without calling: `probeAt` is when the next probe may go through. */
  | { code: 'open'; probeAt: number; probeInFlight: boolean }
  | { code: 'failed'; error: unknown };

export type BreakerSnapshot = { state: BreakerState; consecutiveFailures: number; probeAt: number | null };

export type CircuitBreaker = {
  call<T>(fn: () => Promise<T>): Promise<Result<T, BreakerError>>;
  /** The state as of now: an open circuit whose wait has passed reads as half_open. */
  snapshot(): BreakerSnapshot;
  /** Operator override (the playbook's `breaker.reset()` once the partner confirms a fix). */
  reset(): void;
};

export function createCircuitBreaker(options: BreakerOptions): CircuitBreaker {
  if (!Number.isInteger(options.failureThreshold) || options.failureThreshold < 1) {
    throw new RangeError(`failureThreshold must be a whole number >= 1; got ${options.failureThreshold}`);
  }
  if (!Number.isFinite(options.openMs) || options.openMs < 0) throw new RangeError(`openMs must be >= 0; got ${options.openMs}`);
  const now = options.now ?? Date.now;
  const counts = options.isFailure ?? (() => true);
  let state: BreakerState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let probing = false;

  const moveTo = (to: BreakerState): void => {
    if (to === state) return;
    const from = state;
    state = to;
    options.onStateChange?.({ from, to, at: now() });
  };
  const open = (): void => {
    openedAt = now();
    moveTo('open');
  };
  const current = (): BreakerState => (state === 'open' && now() >= openedAt + options.openMs ? 'half_open' : state);

  /** `neutral`: the call failed for a reason that says nothing about the dependency's health. */
  const settle = (outcome: 'success' | 'failure' | 'neutral', wasProbe: boolean): void => {
    if (wasProbe) probing = false;
    // Calls that started before the circuit opened say nothing about whether it should close.
    else if (state !== 'closed') return;
    if (outcome === 'success' || (outcome === 'neutral' && wasProbe)) {
      failures = 0;
      moveTo('closed');
      return;
    }
    if (outcome === 'neutral') return;
    failures++;
    if (wasProbe || failures >= options.failureThreshold) open();
  };

  return {
    async call<T>(fn: () => Promise<T>): Promise<Result<T, BreakerError>> {
      const seen = current();
      if (seen === 'open' || (seen === 'half_open' && probing)) {
        return err({ code: 'open', probeAt: openedAt + options.openMs, probeInFlight: probing });
      }
      const isProbe = seen === 'half_open';
      if (isProbe) {
        probing = true;
        moveTo('half_open');
      }
      try {
        const value = await fn();
        settle('success', isProbe);
        return ok(value);
      } catch (error) {
        // A probe refused for a non-counting reason (a 400) still proved the dependency answers.
        settle(counts(error) ? 'failure' : 'neutral', isProbe);
        return err({ code: 'failed', error });
      }
    },
    snapshot() {
      const seen = current();
      return { state: seen, consecutiveFailures: failures, probeAt: seen === 'closed' ? null : openedAt + options.openMs };
    },
    reset() {
      failures = 0;
      probing = false;
      moveTo('closed');
    },
  };
}
