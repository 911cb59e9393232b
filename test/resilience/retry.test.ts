import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/resilience/backoff.js';
import { parseRetryAfter, retry, type RetryOptions } from '../../src/resilience/retry.js';

/** A sleep that records what it was asked to wait and returns at once. */
function recorder() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

/** Fails with the errors given, in order, then succeeds with `value`. */
function failing<T>(errors: unknown[], value: T) {
  let calls = 0;
  const fn = async (): Promise<T> => {
    const error = errors[calls++];
    if (error !== undefined) throw error;
    return value;
  };
  return { fn, calls: () => calls };
}

const base = (overrides: Partial<RetryOptions> = {}): RetryOptions => ({
  attempts: 4,
  baseMs: 100,
  capMs: 1000,
  shouldRetry: () => true,
  random: seededRandom(1),
  ...overrides,
});

describe('retry', () => {
  it('returns the value of a first success without waiting', async () => {
    const { waits, sleep } = recorder();
    const work = failing([], 'ok');
    expect(await retry(work.fn, base({ sleep }))).toEqual({ ok: true, value: 'ok' });
    expect(work.calls()).toBe(1);
    expect(waits).toEqual([]);
  });

  it('retries transient failures and passes the 1-based attempt number', async () => {
    const { sleep } = recorder();
    const seen: number[] = [];
    let calls = 0;
    const result = await retry(
      async (attempt) => {
        seen.push(attempt);
        if (++calls < 3) throw new Error('503');
        return calls;
      },
      base({ sleep }),
    );
    expect(result).toEqual({ ok: true, value: 3 });
    expect(seen).toEqual([1, 2, 3]);
  });

  it('makes exactly `attempts` tries, waits between them only, and returns the LAST error', async () => {
    const { waits, sleep } = recorder();
    const errors = [new Error('first'), new Error('second'), new Error('third')];
    const work = failing(errors, 'never');
    const result = await retry(work.fn, base({ attempts: 3, sleep }));
    expect(result).toEqual({ ok: false, error: { error: errors[2], attempts: 3, reason: 'exhausted' } });
    expect(work.calls()).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it('is bounded for any attempt count: n tries and n - 1 waits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), async (attempts) => {
        const { waits, sleep } = recorder();
        let calls = 0;
        const result = await retry(
          async () => {
            calls++;
            throw new Error('down');
          },
          base({ attempts, sleep }),
        );
        expect(result.ok).toBe(false);
        expect(calls).toBe(attempts);
        expect(waits).toHaveLength(attempts - 1);
      }),
    );
  });

  it('stops at once when shouldRetry says no (a 400 is not transient)', async () => {
    const { waits, sleep } = recorder();
    const rejected = { status: 400 };
    const work = failing([rejected, rejected], 'never');
    const result = await retry(work.fn, base({ sleep, shouldRetry: (e) => (e as { status: number }).status >= 500 }));
    expect(result).toEqual({ ok: false, error: { error: rejected, attempts: 1, reason: 'not_retryable' } });
    expect(work.calls()).toBe(1);
    expect(waits).toEqual([]);
  });

  it('waits with full jitter under a doubling ceiling: attempt k waits in [0, min(cap, base * 2^(k-1)))', async () => {
    const { waits, sleep } = recorder();
    const err = new Error('down');
    await retry(failing([err, err, err, err, err, err], 'x').fn, base({ attempts: 7, sleep, random: () => 0.999 }));
    expect(waits).toEqual([99, 199, 399, 799, 999, 999]);

    const low = recorder();
    await retry(failing([err, err, err], 'x').fn, base({ sleep: low.sleep, random: () => 0 }));
    expect(low.waits).toEqual([0, 0, 0]);
  });

  it('never waits less than a Retry-After hint, whatever the jitter draws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 120_000 }), fc.integer({ min: 1, max: 1_000_000 }), async (hint, seed) => {
        const { waits, sleep } = recorder();
        const limited = { status: 429, retryAfterMs: hint };
        await retry(failing([limited, limited], 'ok').fn, {
          ...base({ sleep, random: seededRandom(seed) }),
          retryAfterMs: (e) => (e as typeof limited).retryAfterMs,
        });
        expect(waits).toHaveLength(2);
        for (const wait of waits) expect(wait).toBeGreaterThanOrEqual(hint);
      }),
    );
  });

  it('uses the jitter when it is longer than the hint, and ignores an absent hint', async () => {
    const { waits, sleep } = recorder();
    const errors = [{ hint: 10 }, { hint: undefined }];
    await retry(failing(errors, 'ok').fn, {
      ...base({ sleep, random: () => 0.5, baseMs: 1000, capMs: 10_000 }),
      retryAfterMs: (e) => (e as { hint?: number }).hint,
    });
    expect(waits).toEqual([500, 1000]);
  });

  it('gives up rather than wait longer than maxRetryAfterMs', async () => {
    const { waits, sleep } = recorder();
    const limited = { retryAfterMs: 3_600_000 };
    const result = await retry(failing([limited], 'ok').fn, {
      ...base({ sleep, maxRetryAfterMs: 60_000 }),
      retryAfterMs: (e) => (e as typeof limited).retryAfterMs,
    });
    expect(result).toEqual({ ok: false, error: { error: limited, attempts: 1, reason: 'retry_after_too_long' } });
    expect(waits).toEqual([]);
  });

  it('tells onRetry about each wait before it happens', async () => {
    const { sleep } = recorder();
    const reports: Array<{ attempt: number; delayMs: number }> = [];
    const err = new Error('down');
    await retry(failing([err, err], 'ok').fn, base({ sleep, random: () => 0.5, onRetry: ({ attempt, delayMs }) => reports.push({ attempt, delayMs }) }));
    expect(reports).toEqual([
      { attempt: 1, delayMs: 50 },
      { attempt: 2, delayMs: 100 },
    ]);
  });

  it('refuses fewer than one attempt', async () => {
    await expect(retry(async () => 1, base({ attempts: 0 }))).rejects.toBeInstanceOf(RangeError);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates, and ignores what it cannot read', () => {
    const now = Date.parse('2026-05-03T14:32:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sun, 03 May 2026 14:32:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 03 May 2026 14:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
