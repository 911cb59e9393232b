/**
 * Fixed latency buckets for GenAI calls, in milliseconds. Fixed (not per-row adaptive) so that
 * rows from any minute, dimension or replica add element-wise and a percentile read from the sum
 * is the percentile of all the calls behind it (src/genai/store.ts merges them in SQL). The top
 * finite bound is the seed's failover trigger, "timeout > 2 min": everything slower lands in the
 * overflow bucket, and a p95 there is reported as Infinity, never guessed.
 */
export const LATENCY_BOUNDS_MS = [50, 100, 250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000, 120_000] as const;

/** One count per bound, plus the overflow bucket (> the last bound). */
export const BUCKET_COUNT = LATENCY_BOUNDS_MS.length + 1;

export const emptyBuckets = (): number[] => new Array<number>(BUCKET_COUNT).fill(0);

/** The bucket a call of `ms` falls in: the first whose bound is ≥ ms (a linear scan beats a binary search at 11 bounds). */
export function bucketOf(ms: number): number {
  let i = 0;
  while (i < LATENCY_BOUNDS_MS.length && ms > LATENCY_BOUNDS_MS[i]!) i++;
  return i;
}

/** Adds `from` into `into`, element by element; a shorter array (a row from older bounds) counts as zeros beyond its end. */
export function addBuckets(into: number[], from: readonly number[]): number[] {
  for (let i = 0; i < from.length && i < into.length; i++) into[i]! += from[i]!;
  return into;
}

/**
 * The q-quantile (0 < q ≤ 1) of the calls counted in `buckets`, interpolated linearly within
 * its bucket as Prometheus' histogram_quantile does; Infinity when it falls in the overflow
 * bucket (slower than the last bound); undefined with no calls.
 */
export function quantileMs(buckets: readonly number[], q: number): number | undefined {
  let total = 0;
  for (const n of buckets) total += n;
  if (total === 0) return undefined;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < buckets.length; i++) {
    const n = buckets[i]!;
    if (n > 0 && below + n >= rank) {
      if (i >= LATENCY_BOUNDS_MS.length) return Infinity;
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1]!;
      const upper = LATENCY_BOUNDS_MS[i]!;
      return lower + ((upper - lower) * (rank - below)) / n;
    }
    below += n;
  }
  return Infinity;
}

/** A quantile for a card or an event attribute: finite, the overflow shown as the last bound. */
export const shownMs = (ms: number): number => Math.round(Math.min(ms, LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]!));
