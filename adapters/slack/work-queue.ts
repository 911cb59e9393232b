import type { Logger } from 'pino';

/**
 * What Slack entries do after their ack, bounded: at most `concurrency` jobs run at once and at
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

/**
 * Post-ack jobs at once: under the database pool's 10, so the waiting happens here (a closure
 * each) rather than as queued queries, and a query of the core itself still finds a connection.
 */
export const POST_ACK_CONCURRENCY = 8;
/**
 * Jobs allowed to wait: a burst of 64 people at once is served. The heaviest job, a full /doctor,
 * takes ~0.5 s under load, so the last one waiting hears back within about 4 s.
 */
export const POST_ACK_CAPACITY = 64;
const FULL_LOG_EVERY_MS = 10_000;

const queues = new WeakMap<object, WorkQueue>();

/**
 * The one post-ack queue of an adapter instance, keyed by its handler deps (every entry of one
 * adapter gets the same deps object). A full queue is logged once per 10 s with a count, not
 * once per request, so overload does not add a log write to every ack.
 */
export function postAckQueue(deps: { logger: Logger }): WorkQueue {
  let queue = queues.get(deps);
  if (!queue) {
    queue = createWorkQueue({
      concurrency: POST_ACK_CONCURRENCY,
      capacity: POST_ACK_CAPACITY,
      onError: (error) => deps.logger.error({ err: error }, 'Slack post-ack work threw past its boundary'),
    });
    queues.set(deps, withFullLog(queue, deps.logger));
    queue = queues.get(deps)!;
  }
  return queue;
}

function withFullLog(queue: WorkQueue, logger: Logger): WorkQueue {
  let refused = 0;
  let loggedAt = -Infinity;
  return {
    ...queue,
    submit(work) {
      const done = queue.submit(work);
      if (done) return done;
      refused++;
      if (performance.now() - loggedAt >= FULL_LOG_EVERY_MS) {
        loggedAt = performance.now();
        logger.warn({ refused, ...queue.load() }, 'Slack work queue full: told people Triage is busy');
        refused = 0;
      }
      return undefined;
    },
  };
}
