import type { Logger } from 'pino';
import { createWorkQueue, type WorkQueue } from '../../src/chat/work-queue.js';

export { createWorkQueue, type WorkQueue, type WorkQueueOptions } from '../../src/chat/work-queue.js';

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
