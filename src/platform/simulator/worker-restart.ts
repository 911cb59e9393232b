import { and, asc, eq, ne } from 'drizzle-orm';
import type { TypedEvent } from '../../events/vocabulary.js';
import { platformTasks, platformWorkers } from '../../db/schema/index.js';
import { ok } from '../../result.js';
import { fail, guard, simEvent, type SimContext } from './context.js';
import type { Unkeyed } from './idempotency.js';
import { toWorker } from './rows.js';

/**
 * Restarting a worker loses whatever it was executing, so those tasks go back to `pending` on the
 * other healthy workers (round-robin), as the worker-unresponsive procedure prescribes. A healthy
 * worker that is busy is only restarted with `force`: that is the "force shutdown and reassign"
 * script, and doing it by accident would throw away running work.
 */
export function createWorkerRestart(ctx: SimContext): Unkeyed<'restartWorker'> {
  const db = ctx.database.db;
  return {
    restartWorker: (workerId, options = {}) =>
      guard(`restart worker ${workerId}`, async () => {
        const at = ctx.now();
        const outcome = await db.transaction(async (tx) => {
          const [worker] = await tx.select().from(platformWorkers).where(eq(platformWorkers.id, workerId)).for('update');
          if (!worker) return fail('not_found', `no worker named ${workerId}`);
          const running = await tx
            .select()
            .from(platformTasks)
            .where(and(eq(platformTasks.workerId, workerId), eq(platformTasks.state, 'executing')))
            .orderBy(asc(platformTasks.id));
          if (worker.status === 'healthy' && running.length && !options.force) {
            return fail(
              'invalid_state',
              `worker ${workerId} is healthy and executing ${running.length} task(s); restart with force to reassign them`,
            );
          }
          const others = await tx
            .select({ id: platformWorkers.id })
            .from(platformWorkers)
            .where(and(eq(platformWorkers.status, 'healthy'), ne(platformWorkers.id, workerId)))
            .orderBy(asc(platformWorkers.id));
          const moved = [];
          for (const [i, task] of running.entries()) {
            const target = others.length ? others[i % others.length]!.id : null;
            await tx.update(platformTasks).set({ state: 'pending', workerId: target }).where(eq(platformTasks.id, task.id));
            moved.push({ ...task, workerId: target });
          }
          const [restarted] = await tx
            .update(platformWorkers)
            .set({ status: 'healthy', lastHeartbeatAt: at })
            .where(eq(platformWorkers.id, workerId))
            .returning();
          return ok({ worker: toWorker(restarted!), moved });
        });
        if (!outcome.ok) return outcome;
        const { worker, moved } = outcome.value;
        const events: TypedEvent[] = [simEvent('worker.state', { worker: worker.id, state: 'healthy' }, at)];
        for (const task of moved) {
          const attrs = { taskId: task.id, state: 'pending' as const, attempt: task.attempt, maxAttempts: task.maxAttempts };
          events.push(simEvent('task.state', { ...attrs, ...(task.workerId ? { worker: task.workerId } : {}) }, at));
        }
        await ctx.publish(events);
        return ok({ worker, reassignedTaskIds: moved.map((t) => t.id) });
      }),
  };
}
