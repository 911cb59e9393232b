import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { platformObjects, platformTasks } from '../../../db/schema/index.js';
import type { TypedEvent } from '../../../events/vocabulary.js';
import { Resource } from '../../operations/work.js';
import { ok } from '../../../result.js';
import { fail, guard, simEvent, type SimContext } from '../context.js';
import { changeObject } from '../objects.js';
import { toTask } from '../rows.js';
import type { Handlers } from './handler.js';
import { RESOURCE, TASK_DEPENDENCIES } from './work-events.js';

/** A resource as its usage reports left it (./work-events.ts); `limit` is in every one. */
const ResourceState = z.object({ used: z.number().min(0), limit: z.number().positive(), heldBy: z.string().nullable().default(null), waiting: z.number().min(0).default(0) });
type ResourceState = z.infer<typeof ResourceState>;
/** `cancel_task.py` stops work that has not finished; a finished task has nothing left to cancel. */
const CANCELLABLE = ['pending', 'executing'] as const;

const toResource = (id: string, s: ResourceState): Resource => Resource.parse({ id, ...s });
const usage = (id: string, s: ResourceState, at: Date): TypedEvent =>
  simEvent('resource.usage', { resource: id, used: s.used, limit: s.limit, heldBy: s.heldBy ?? undefined, waiting: s.waiting }, at);

type Tx = Parameters<Parameters<SimContext['database']['db']['transaction']>[0]>[0];

/** The resources a task holds, freed: one holder fewer each, under the transaction's row locks. */
async function release(tx: Tx, taskId: string, at: Date): Promise<Array<{ id: string; state: ResourceState }>> {
  const held = await tx
    .select()
    .from(platformObjects)
    .where(and(eq(platformObjects.kind, RESOURCE), sql`${platformObjects.state}->>'heldBy' = ${taskId}`))
    .for('update');
  const released: Array<{ id: string; state: ResourceState }> = [];
  for (const row of held) {
    const parsed = ResourceState.safeParse(row.state);
    if (!parsed.success) continue;
    const state = { ...parsed.data, used: Math.max(0, parsed.data.used - 1), heldBy: null };
    await tx.update(platformObjects).set({ state, updatedAt: at }).where(and(eq(platformObjects.kind, RESOURCE), eq(platformObjects.id, row.id)));
    released.push({ id: row.id, state });
  }
  return released.sort((a, b) => a.id.localeCompare(b.id));
}

/** The simulator's side of raiseResourceLimit and cancelTask (src/platform/operations/work.ts). */
export const taskRemedies: Handlers<'raiseResourceLimit' | 'cancelTask'> = (ctx) => {
  const db = ctx.database.db;
  return {
    raiseResourceLimit: (resourceId, body) =>
      guard(`raise the limit of resource ${resourceId}`, async () => {
        const at = ctx.now();
        const changed = await changeObject(db, at, { kind: RESOURCE, id: resourceId, schema: ResourceState }, (current) => {
          if (!current) return fail('not_found', `no resource named ${resourceId}`);
          const limit = body.maxHolders ?? current.limit + 1;
          if (limit <= current.limit) return fail('invalid_state', `resource ${resourceId} already allows ${current.limit} holders; ask for more than that`);
          return ok({ ...current, limit });
        });
        if (!changed.ok) return changed;
        await ctx.publish([usage(resourceId, changed.value.after, at)]);
        return ok(toResource(resourceId, changed.value.after));
      }),

    cancelTask: (taskId, body) =>
      guard(`cancel task ${taskId}`, async () => {
        const at = ctx.now();
        const outcome = await db.transaction(async (tx) => {
          const [row] = await tx
            .update(platformTasks)
            .set({ state: 'cancelled' })
            .where(and(eq(platformTasks.id, taskId), inArray(platformTasks.state, [...CANCELLABLE])))
            .returning();
          if (!row) {
            const [task] = await tx.select().from(platformTasks).where(eq(platformTasks.id, taskId));
            return task
              ? fail('invalid_state', `task ${taskId} is ${task.state.replace('_', ' ')}; only a pending or executing task can be cancelled`)
              : fail('not_found', `no task named ${taskId}`);
          }
          const released = await release(tx, taskId, at);
          // A cancelled task waits for nothing any more: a cycle through it is broken.
          const [waited] = await tx
            .update(platformObjects)
            .set({ state: sql`${platformObjects.state} || '{"dependsOn": []}'::jsonb`, updatedAt: at })
            .where(and(eq(platformObjects.kind, TASK_DEPENDENCIES), eq(platformObjects.id, taskId), sql`jsonb_array_length(${platformObjects.state}->'dependsOn') > 0`))
            .returning();
          return ok({ task: toTask(row), released, clearedDependencies: waited !== undefined });
        });
        if (!outcome.ok) return outcome;
        const { task, released, clearedDependencies } = outcome.value;
        const workstream = task.workstreamId ?? undefined;
        await ctx.publish([
          simEvent('task.state', { taskId, state: 'cancelled', attempt: task.attempt, maxAttempts: task.maxAttempts, workstream, worker: task.workerId ?? undefined, reason: body.reason }, at),
          ...released.map((r) => usage(r.id, r.state, at)),
          ...(clearedDependencies ? [simEvent('task.dependency', { taskId, dependsOn: [], workstream }, at)] : []),
        ]);
        return ok({ task, releasedResources: released.map((r) => r.id) });
      }),
  };
};
