/**
 * Every wait has a deadline (agent-self-healing-research.txt, "Bound everything"). The work gets
 * an AbortSignal so it can stop what it started (a fetch closes its socket) instead of running on
 * unobserved after the caller has given up.
 */
export class TimeoutError extends Error {
  readonly code = 'timeout' as const;
  override readonly name = 'TimeoutError';

  constructor(
    readonly ms: number,
    label = 'operation',
  ) {
    super(`${label} did not finish within ${ms} ms`);
  }
}

export type TimeoutOptions = {
  /** Names the work in the error message ("POST /v1/events did not finish within 5000 ms"). */
  label?: string;
  /** A caller's own signal: aborting it aborts the work too. */
  signal?: AbortSignal;
};

/**
 * Resolves with what `fn` resolves, rejects with what `fn` rejects, or rejects with a
 * TimeoutError once `ms` have passed (aborting the signal handed to `fn`), whichever comes first.
 */
export function withTimeout<T>(fn: (signal: AbortSignal) => Promise<T>, ms: number, options: TimeoutOptions = {}): Promise<T> {
  if (!Number.isFinite(ms) || ms <= 0) return Promise.reject(new RangeError(`timeout must be a finite number of ms > 0; got ${ms}`));
  const controller = new AbortController();
  const onParentAbort = (): void => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onParentAbort();
  else options.signal?.addEventListener('abort', onParentAbort, { once: true });

  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TimeoutError(ms, options.label);
      controller.abort(error);
      reject(error);
    }, ms);
  });

  let work: Promise<T>;
  try {
    work = fn(controller.signal);
  } catch (error) {
    work = Promise.reject(error);
  }
  // The loser of the race may still settle later; its rejection is expected, not "unhandled".
  work.catch(() => {});

  return Promise.race([work, deadline]).finally(() => {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onParentAbort);
  });
}
