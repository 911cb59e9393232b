import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TimeoutError, withTimeout } from '../../src/resilience/timeout.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Work that settles only when told to (or when its signal aborts, if it listens). */
function controllable<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('withTimeout', () => {
  it('resolves with the value when the work finishes in time and leaves no timer behind', async () => {
    const result = withTimeout(async () => 'done', 1000);
    await expect(result).resolves.toBe('done');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with a coded TimeoutError at the deadline and aborts the signal the work was given', async () => {
    let seen: AbortSignal | undefined;
    const work = controllable<string>();
    const result = withTimeout(
      (signal) => {
        seen = signal;
        return work.promise;
      },
      500,
      { label: 'POST /v1/events' },
    );
    const settled = result.catch((error: unknown) => error);

    await vi.advanceTimersByTimeAsync(499);
    expect(seen?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);

    const error = await settled;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'timeout', ms: 500, name: 'TimeoutError' });
    expect((error as Error).message).toBe('POST /v1/events did not finish within 500 ms');
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBe(error);
    // Work that settles after the deadline changes nothing and is not an unhandled rejection.
    work.reject(new Error('too late'));
    await vi.runAllTimersAsync();
  });

  it('passes the work\'s own failure through untouched when it fails before the deadline', async () => {
    const failure = new Error('connection refused');
    await expect(withTimeout(async () => Promise.reject(failure), 1000)).rejects.toBe(failure);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('turns a synchronous throw in the work into a rejection', async () => {
    const failure = new Error('bad input');
    await expect(
      withTimeout(() => {
        throw failure;
      }, 1000),
    ).rejects.toBe(failure);
  });

  it('aborts the work when the caller\'s own signal aborts', async () => {
    const parent = new AbortController();
    let seen: AbortSignal | undefined;
    const result = withTimeout(
      (signal) => {
        seen = signal;
        return new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
      },
      10_000,
      { signal: parent.signal },
    );
    const cancelled = new Error('run cancelled');
    parent.abort(cancelled);
    await expect(result).rejects.toBe(cancelled);
    expect(seen?.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses a deadline that is not a positive finite number', async () => {
    for (const ms of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(withTimeout(async () => 1, ms)).rejects.toBeInstanceOf(RangeError);
    }
  });
});
