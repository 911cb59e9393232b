/**
 * Exponential backoff with FULL jitter: `delay = random(0, min(cap, base * 2^attempt))`.
 *
 * Full jitter rather than "equal" or none because callers that failed together (every routine
 * hitting one exhausted MCP pool, every outbox row after a chat outage) must not retry together:
 * spreading each wait over the whole range is what breaks the retry storm (AWS Builders' Library,
 * agent-self-healing-research.txt).
 */

/** A source of numbers in [0, 1); injectable so tests and simulations are reproducible. */
export type Random = () => number;

export type BackoffOptions = {
  /** The ceiling for the first retry (attempt 0). */
  baseMs: number;
  /** No wait is ever longer than this, whatever the attempt. */
  capMs: number;
  random?: Random;
};

/** The upper bound of the wait before retry number `attempt` (0-based). */
export function backoffCeiling(attempt: number, options: Pick<BackoffOptions, 'baseMs' | 'capMs'>): number {
  assertOptions(attempt, options);
  // base 0 would give 0 * Infinity = NaN for huge attempts; a zero base simply means no waiting.
  if (options.baseMs === 0) return 0;
  return Math.min(options.capMs, options.baseMs * 2 ** attempt);
}

/** A whole number of milliseconds drawn uniformly from [0, ceiling). */
export function fullJitterDelay(attempt: number, options: BackoffOptions): number {
  const ceiling = backoffCeiling(attempt, options);
  const r = (options.random ?? Math.random)();
  if (!(r >= 0 && r < 1)) throw new RangeError(`random() must return a number in [0, 1); got ${r}`);
  return Math.floor(r * ceiling);
}

/**
 * mulberry32: a tiny seeded generator, good enough to spread delays and to make a test's
 * "many samples" the same samples on every run.
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function assertOptions(attempt: number, { baseMs, capMs }: Pick<BackoffOptions, 'baseMs' | 'capMs'>): void {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`attempt must be a whole number >= 0; got ${attempt}`);
  if (!Number.isFinite(baseMs) || baseMs < 0) throw new RangeError(`baseMs must be a finite number >= 0; got ${baseMs}`);
  if (!Number.isFinite(capMs) || capMs < 0) throw new RangeError(`capMs must be a finite number >= 0; got ${capMs}`);
}
