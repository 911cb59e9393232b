import type { z } from 'zod';
import { ok } from '../../../result.js';
import { fail, guard, simEvent } from '../context.js';
import { changeObject } from '../objects.js';
import type { Handlers } from './handler.js';
import { QUEUE, QueueState } from './infra-events.js';

type QueueOps = 'replayDeadLetters';
type State = z.output<typeof QueueState>;

const view = (queue: string, s: State) => ({ queue, depth: s.depth ?? 0, deadLetters: s.deadLetters ?? 0 });

/** The simulator's side of the queue operations of src/platform/operations/infra.ts. */
export const queueRemedies: Handlers<QueueOps> = (ctx) => ({
  replayDeadLetters: (queue) =>
    guard(`replay the dead letters of queue ${queue}`, async () => {
      const at = ctx.now();
      const changed = await changeObject(ctx.database.db, at, { kind: QUEUE, id: queue, schema: QueueState }, (current) => {
        if (current?.deadLetters === undefined) return fail('not_found', `no dead-letter queue is known for queue ${queue}`);
        if (current.deadLetters === 0) return fail('invalid_state', `the dead-letter queue of ${queue} is empty: nothing to replay`);
        // Replayed work is queued again behind what is waiting: the task queue grows by as much.
        return ok({ depth: (current.depth ?? 0) + current.deadLetters, deadLetters: 0 });
      });
      if (!changed.ok) return changed;
      const { before, after } = changed.value;
      // The platform reports both depths, so the dead-letter insight sees its queue emptied.
      await ctx.publish([
        simEvent('queue.depth', { queue, kind: 'dead_letter', depth: 0 }, at),
        simEvent('queue.depth', { queue, kind: 'task', depth: after.depth ?? 0 }, at),
      ]);
      return ok({ queue: view(queue, after), replayed: before?.deadLetters ?? 0 });
    }),
});
