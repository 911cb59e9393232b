/**
 * What chat entries do after their ack, bounded: at most `concurrency` jobs run at once and at
 * most `capacity` wait. Without a bound, a burst of commands each started their database and
 * Web API work at once, and that backlog (its memory, its garbage, its callbacks) shared the
 * event loop with the acks of the requests still arriving. A full queue is an answer, not a
 * drop: `submit` says no, and the caller tells the person Triage is busy.
 */
export type WorkQueue = {
  /**
   * Runs `work` once a slot is free, never before the current macrotask ends, so an ack sent
   * right after `submit` is written first. Resolves when the work has finished (it must not
   * throw; a throw is logged by `onError`). Undefined when `capacity` jobs are already waiting.
   */
  submit(work: () => Promise<void>): Promise<void> | undefined;
  /** Jobs running and waiting now. */
  load(): { running: number; waiting: number };
};

export type WorkQueueOptions = { concurrency: number; capacity: number; onError: (error: unknown) => void };

export function createWorkQueue({ concurrency, capacity, onError }: WorkQueueOptions): WorkQueue {
  type Job = { work: () => Promise<void>; done: () => void };
  const waiting: Job[] = [];
  let running = 0;
  let scheduled = false;

  const start = (job: Job) => {
    running++;
    let finished: Promise<void>;
    try {
      finished = job.work();
    } catch (error) {
      finished = Promise.reject(error);
    }
    finished.catch(onError).finally(() => {
      running--;
      job.done();
      pump();
    });
  };
  // One setImmediate per burst, not per job: the poll phase's other requests get acked first.
  const pump = () => {
    if (scheduled || waiting.length === 0 || running >= concurrency) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      while (running < concurrency && waiting.length > 0) start(waiting.shift()!);
    });
  };

  return {
    submit(work) {
      // Jobs about to take a free slot still sit in `waiting` until the setImmediate runs.
      if (running + waiting.length >= concurrency + capacity) return undefined;
      return new Promise<void>((done) => {
        waiting.push({ work, done });
        pump();
      });
    },
    load: () => ({ running, waiting: waiting.length }),
  };
}
