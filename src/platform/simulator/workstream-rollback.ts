import { and, eq, inArray } from 'drizzle-orm';
import type { TypedEvent } from '../../events/vocabulary.js';
import { platformTasks, platformWorkstreams } from '../../db/schema/index.js';
import { ok } from '../../result.js';
import { fail, guard, simEvent, type SimContext } from './context.js';
import type { Unkeyed } from './idempotency.js';
import { toWorkstream } from './rows.js';

/** What the rollback script does to each task state (orchestration recovery procedures, "Workstream Rollback"). */
const CANCELLED_BY_ROLLBACK = ['executing'] as const;
const RESET_BY_ROLLBACK = ['failed', 'timed_out'] as const;
/** A completed workstream's changes are applied, and a rolled-back one is already at its checkpoint. */
const ROLLABLE = ['running', 'failed'] as const;

/**
 * Rolls a workstream back to its last checkpoint, as `rollback_workstream.py --to-checkpoint
 * latest` does: running tasks are cancelled, the tasks the failure left behind (failed, timed
 * out) go back to pending, completed tasks stay completed (their changes are already applied),
 * and the workstream says rolled_back. One transaction holding the workstream's row: two
 * approvals carried out at once roll it back once, and the second is told it already was.
 */
export function createWorkstreamRollback(ctx: SimContext): Unkeyed<'rollbackWorkstream'> {
  const db = ctx.database.db;
  return {
    rollbackWorkstream: (workstreamId) =>
      guard(`roll back workstream ${workstreamId}`, async () => {
        const at = ctx.now();
        const outcome = await db.transaction(async (tx) => {
          const [workstream] = await tx.select().from(platformWorkstreams).where(eq(platformWorkstreams.id, workstreamId)).for('update');
          if (!workstream) return fail('not_found', `no workstream named ${workstreamId}`);
          if (!(ROLLABLE as readonly string[]).includes(workstream.state)) {
            return fail('invalid_state', `workstream ${workstreamId} is ${workstream.state.replace('_', ' ')}; only a running or failed workstream can be rolled back`);
          }
          const ofIt = (states: readonly string[]) => and(eq(platformTasks.workstreamId, workstreamId), inArray(platformTasks.state, [...states]));
          const cancelled = await tx.update(platformTasks).set({ state: 'cancelled' }).where(ofIt(CANCELLED_BY_ROLLBACK)).returning();
          const reset = await tx.update(platformTasks).set({ state: 'pending', workerId: null }).where(ofIt(RESET_BY_ROLLBACK)).returning();
          const [rolled] = await tx.update(platformWorkstreams).set({ state: 'rolled_back' }).where(eq(platformWorkstreams.id, workstreamId)).returning();
          const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
          return ok({ workstream: toWorkstream(rolled!), cancelled: cancelled.sort(byId), reset: reset.sort(byId) });
        });
        if (!outcome.ok) return outcome;
        const { workstream, cancelled, reset } = outcome.value;
        const events: TypedEvent[] = [simEvent('workstream.state', { workstream: workstream.id, state: 'rolled_back' }, at)];
        for (const task of [...cancelled, ...reset]) {
          const attrs = { taskId: task.id, state: task.state as 'cancelled' | 'pending', attempt: task.attempt, maxAttempts: task.maxAttempts, workstream: workstream.id };
          events.push(simEvent('task.state', attrs, at));
        }
        await ctx.publish(events);
        return ok({ workstream, cancelledTaskIds: cancelled.map((t) => t.id), resetTaskIds: reset.map((t) => t.id) });
      }),
  };
}
