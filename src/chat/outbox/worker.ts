/**
 * The outbox's background loop: drain what is due, then sleep until the next row is due (capped
 * at `pollMs`, which is also how work enqueued by other replicas is noticed), or until `kick()`
 * says new work was enqueued here, so a first card goes out in milliseconds, not a poll later.
 */
export type WorkerLoop = {
  start(pollMs: number): void;
  stop(): Promise<void>;
  kick(): void;
  readonly running: boolean;
};

export type LoopDeps = {
  drain(): Promise<number>;
  /** Milliseconds since the epoch at which the next row becomes claimable, if any waits on time. */
  nextDueAt(): Promise<number | null>;
  now(): number;
  onError(error: unknown): void;
};

/** Rows due "now" that another worker holds must not turn the loop into a busy spin. */
const MIN_SLEEP_MS = 20;

export function createWorkerLoop(deps: LoopDeps): WorkerLoop {
  let running = false;
  let kicked = false;
  let wake: (() => void) | undefined;
  let done: Promise<void> = Promise.resolve();

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish(): void {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = finish;
    });

  const delayUntilDue = async (pollMs: number): Promise<number> => {
    const due = await deps.nextDueAt();
    if (due === null) return pollMs;
    return Math.min(pollMs, Math.max(MIN_SLEEP_MS, due - deps.now()));
  };

  const loop = async (pollMs: number): Promise<void> => {
    while (running) {
      kicked = false;
      let delay = pollMs;
      try {
        await deps.drain();
        delay = await delayUntilDue(pollMs);
      } catch (error) {
        // The database or a port misbehaved: report it and try again a poll later, not in a spin.
        deps.onError(error);
      }
      if (!running) break;
      if (kicked) continue;
      await sleep(delay);
    }
  };

  return {
    start(pollMs) {
      if (running) return;
      if (!Number.isFinite(pollMs) || pollMs <= 0) throw new RangeError(`pollMs must be > 0; got ${pollMs}`);
      running = true;
      done = loop(pollMs);
    },
    async stop() {
      running = false;
      wake?.();
      await done;
    },
    kick() {
      kicked = true;
      wake?.();
    },
    get running() {
      return running;
    },
  };
}
