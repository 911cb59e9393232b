import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../../db/client.js';
import { platformObjects, platformTasks, platformWorkers } from '../../../db/schema/index.js';
import { ok } from '../../../result.js';
import { fail, guard, simEvent } from '../context.js';
import { changeObject } from '../objects.js';
import { toWorker } from '../rows.js';
import type { Handlers } from './handler.js';
import { QUEUE, QueueState } from './infra-events.js';

type QueueOps = 'replayDeadLetters' | 'addWorker';
type State = z.output<typeof QueueState>;
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

const view = (queue: string, s: State) => ({ queue, depth: s.depth ?? 0, deadLetters: s.deadLetters ?? 0 });
/** A new worker reports a heartbeat at the recovery procedures' worker interval. */
const WORKER_HEARTBEAT_SECONDS = 60;

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

  /**
   * One transaction under the queue's row lock: the checks, the new healthy worker in
   * platform_workers, and the tasks it takes off the queue at once (as many as a busy worker runs
   * now), so the queue starts draining and the platform reports it.
   */
  addWorker: (queue) =>
    guard(`add a worker for queue ${queue}`, async () => {
      const at = ctx.now();
      const added = await ctx.database.db.transaction(async (tx) => {
        const [row] = await tx.select().from(platformObjects).where(and(eq(platformObjects.kind, QUEUE), eq(platformObjects.id, queue))).for('update');
        const state = QueueState.safeParse(row?.state);
        if (!state.success || state.data.depth === undefined) return fail('not_found', `no task queue depth is known for queue ${queue}`);
        const depth = state.data.depth;
        if (depth === 0) return fail('invalid_state', `the task queue of ${queue} is empty: no capacity is needed`);
        const workers = await tx.select().from(platformWorkers).orderBy(platformWorkers.id);
        const blocked = workers.find((w) => w.status === 'unresponsive');
        // The card's runbook: "Add capacity only once nothing is blocked".
        if (blocked) return fail('invalid_state', `worker ${blocked.id} is unresponsive and stalls the queue: restart it before adding capacity`);
        const claimed = Math.min(depth, await tasksPerBusyWorker(tx, workers.filter((w) => w.status === 'healthy').map((w) => w.id)));
        const [worker] = await tx.insert(platformWorkers).values({ id: nextWorkerId(workers.map((w) => w.id)), status: 'healthy', lastHeartbeatAt: at }).returning();
        const next = { ...state.data, depth: depth - claimed };
        await tx.update(platformObjects).set({ state: next, updatedAt: at }).where(and(eq(platformObjects.kind, QUEUE), eq(platformObjects.id, queue)));
        return ok({ queue: view(queue, next), worker: toWorker(worker!), claimed });
      });
      if (!added.ok) return added;
      const { worker, queue: q } = added.value;
      await ctx.publish([
        simEvent('worker.heartbeat', { worker: worker.id, intervalSeconds: WORKER_HEARTBEAT_SECONDS }, at),
        simEvent('queue.depth', { queue, kind: 'task', depth: q.depth }, at),
      ]);
      return added;
    }),
});

/** How many tasks a healthy worker executes now, rounded; at least one. */
async function tasksPerBusyWorker(tx: Tx, healthy: string[]): Promise<number> {
  if (!healthy.length) return 1;
  const executing = await tx.select({ workerId: platformTasks.workerId }).from(platformTasks).where(eq(platformTasks.state, 'executing'));
  const running = executing.filter((t) => t.workerId !== null && healthy.includes(t.workerId)).length;
  return Math.max(1, Math.round(running / healthy.length));
}

/** worker-001, worker-002… → worker-003: the next number after the highest, as wide as theirs. */
export function nextWorkerId(ids: string[]): string {
  const numbers = ids.flatMap((id) => {
    const m = /^worker-(\d+)$/.exec(id);
    return m ? [{ n: Number(m[1]), width: m[1]!.length }] : [];
  });
  const top = numbers.reduce((best, x) => (x.n > best.n ? x : best), { n: 0, width: 3 });
  let n = top.n + 1;
  while (ids.includes(`worker-${String(n).padStart(top.width, '0')}`)) n += 1;
  return `worker-${String(n).padStart(top.width, '0')}`;
}
