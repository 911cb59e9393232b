import { and, eq, inArray, sql } from 'drizzle-orm';
import { platformLoops, platformTasks } from '../../db/schema/index.js';
import { ok } from '../../result.js';
import type { Task } from '../port.js';
import { fail, guard, requireText, simEvent, type SimContext } from './context.js';
import type { Unkeyed } from './idempotency.js';
import { toLoop, toTask } from './rows.js';

type WorkActions = Unkeyed<'cancelLoop' | 'retryTask' | 'skipTask'>;

/** Per the recovery procedures: only a task that stopped can be retried; a running one is cancelled first. */
const RETRYABLE = ['failed', 'timed_out', 'cancelled'] as const;
/** Skipping marks work done without doing it; never for work that finished or is still running. */
const SKIPPABLE = ['pending', 'failed', 'timed_out', 'cancelled'] as const;
const MAX_TIMEOUT_SECONDS = 86_400;

/**
 * Each action is one conditional UPDATE ... RETURNING: two operators clicking at once cannot both
 * cancel a loop or both bump an attempt. Zero rows back means "unknown" or "wrong state", told
 * apart by a second read only on that (rare) path.
 */
export function createWorkActions(ctx: SimContext): WorkActions {
  const db = ctx.database.db;

  const taskStateError = async (taskId: string, action: string, allowed: string) => {
    const [task] = await db.select().from(platformTasks).where(eq(platformTasks.id, taskId));
    return task
      ? fail('invalid_state', `task ${taskId} is ${task.state.replace('_', ' ')}; only a ${allowed} task can be ${action}`)
      : fail('not_found', `no task named ${taskId}`);
  };

  const publishTask = (task: Task) =>
    ctx.publish([
      simEvent(
        'task.state',
        {
          taskId: task.id,
          state: task.state,
          attempt: task.attempt,
          maxAttempts: task.maxAttempts,
          ...(task.workstreamId ? { workstream: task.workstreamId } : {}),
          ...(task.workerId ? { worker: task.workerId } : {}),
        },
        ctx.now(),
      ),
    ]);

  return {
    cancelLoop: async (loopId, reason) => {
      const why = requireText(reason, 'reason');
      if (!why.ok) return why;
      return guard(`cancel loop ${loopId}`, async () => {
        const at = ctx.now();
        const [row] = await db
          .update(platformLoops)
          .set({ status: 'cancelled', finishedAt: at, cancelReason: why.value })
          .where(and(eq(platformLoops.id, loopId), eq(platformLoops.status, 'running')))
          .returning();
        if (!row) {
          const [loop] = await db.select().from(platformLoops).where(eq(platformLoops.id, loopId));
          return loop
            ? fail('invalid_state', `loop ${loopId} already ${loop.status}; only a running loop can be cancelled`)
            : fail('not_found', `no agentic loop named ${loopId}`);
        }
        await ctx.publish([simEvent('loop.finished', { loopId, outcome: 'cancelled', reason: why.value }, at)]);
        return ok(toLoop(row));
      });
    },

    retryTask: async (taskId, options = {}) => {
      const timeout = options.timeoutSeconds;
      if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0 && timeout <= MAX_TIMEOUT_SECONDS)) {
        return fail('invalid_input', `timeoutSeconds must be a whole number from 1 to ${MAX_TIMEOUT_SECONDS}`);
      }
      return guard(`retry task ${taskId}`, async () => {
        // A manual retry is one more attempt even after the automatic ones ran out.
        const [row] = await db
          .update(platformTasks)
          .set({
            state: 'pending',
            workerId: null,
            skipReason: null,
            attempt: sql`${platformTasks.attempt} + 1`,
            maxAttempts: sql`greatest(${platformTasks.maxAttempts}, ${platformTasks.attempt} + 1)`,
            timeoutSeconds: timeout,
          })
          .where(and(eq(platformTasks.id, taskId), inArray(platformTasks.state, [...RETRYABLE])))
          .returning();
        if (!row) return taskStateError(taskId, 'retried', 'failed, timed out or cancelled');
        const task = toTask(row);
        await publishTask(task);
        return ok(task);
      });
    },

    skipTask: async (taskId, reason) => {
      const why = requireText(reason, 'reason');
      if (!why.ok) return why;
      return guard(`skip task ${taskId}`, async () => {
        const [row] = await db
          .update(platformTasks)
          .set({ state: 'skipped', skipReason: why.value })
          .where(and(eq(platformTasks.id, taskId), inArray(platformTasks.state, [...SKIPPABLE])))
          .returning();
        if (!row) return taskStateError(taskId, 'skipped', 'pending, failed, timed out or cancelled');
        const task = toTask(row);
        await publishTask(task);
        return ok(task);
      });
    },
  };
}
