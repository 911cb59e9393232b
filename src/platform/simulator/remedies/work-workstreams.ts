import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { platformObjects, platformTasks, platformWorkstreams } from '../../../db/schema/index.js';
import type { TypedEvent } from '../../../events/vocabulary.js';
import type { Task, Workstream } from '../../port.js';
import { ok } from '../../../result.js';
import { fail, guard, simEvent, type SimContext } from '../context.js';
import { toTask, toWorkstream } from '../rows.js';
import type { Handlers } from './handler.js';
import { TASK_DEPENDENCIES } from './work-events.js';

type Tx = Parameters<Parameters<SimContext['database']['db']['transaction']>[0]>[0];

/** Tasks a failure left behind; run again, each is one more attempt (as retry_task.py's manual retry). */
const RERUNNABLE = ['failed', 'timed_out', 'cancelled'] as const;
/** retry_failed_tasks.py: a failed workstream, or a running one some of whose tasks failed. */
const RETRYABLE_WORKSTREAM = ['failed', 'running'];
/** resume_workstream.py: a workstream that stopped (failed, or rolled back to its checkpoint). */
const RESUMABLE_WORKSTREAM = ['failed', 'rolled_back'];
const DependsOn = z.object({ dependsOn: z.array(z.string()) });

/** One more attempt for each: pending again, off its worker, the attempt counted. */
const rerun = (tx: Tx, where: ReturnType<typeof and>) =>
  tx
    .update(platformTasks)
    .set({ state: 'pending', workerId: null, skipReason: null, attempt: sql`${platformTasks.attempt} + 1`, maxAttempts: sql`greatest(${platformTasks.maxAttempts}, ${platformTasks.attempt} + 1)` })
    .where(where)
    .returning();

/** The workstream's row, locked: two presses at once act one after the other. */
async function lockWorkstream(tx: Tx, id: string, allowed: string[], what: string) {
  const [row] = await tx.select().from(platformWorkstreams).where(eq(platformWorkstreams.id, id)).for('update');
  if (!row) return fail('not_found', `no workstream named ${id}`);
  if (!allowed.includes(row.state)) return fail('invalid_state', `workstream ${id} is ${row.state.replace('_', ' ')}; only a ${allowed.join(' or ').replace('_', ' ')} workstream can ${what}`);
  return ok(row);
}

/** `from` and every task of the workstream that waits on it, directly or through others (task.dependency). */
async function dependentsOf(tx: Tx, from: string, tasks: string[]): Promise<Set<string>> {
  const rows = tasks.length ? await tx.select().from(platformObjects).where(and(eq(platformObjects.kind, TASK_DEPENDENCIES), inArray(platformObjects.id, tasks))) : [];
  const waitingOn = new Map<string, string[]>();
  for (const row of rows) {
    const parsed = DependsOn.safeParse(row.state);
    for (const dependency of parsed.success ? parsed.data.dependsOn : []) waitingOn.set(dependency, [...(waitingOn.get(dependency) ?? []), row.id]);
  }
  const found = new Set([from]);
  const queue = [from];
  for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
    for (const next of waitingOn.get(task) ?? []) {
      if (found.has(next)) continue;
      found.add(next);
      queue.push(next);
    }
  }
  return found;
}

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

/** The workstream running again and its tasks pending again, as the orchestrator reports them. */
function running(workstream: Workstream, tasks: Task[], at: Date): TypedEvent[] {
  return [
    simEvent('workstream.state', { workstream: workstream.id, state: 'running' }, at),
    ...tasks.map((t) => simEvent('task.state', { taskId: t.id, state: 'pending', attempt: t.attempt, maxAttempts: t.maxAttempts, workstream: workstream.id }, at)),
  ];
}

/** The simulator's side of retryFailedTasks and resumeWorkstream (src/platform/operations/work.ts). */
export const workstreamRemedies: Handlers<'retryFailedTasks' | 'resumeWorkstream'> = (ctx) => {
  const db = ctx.database.db;
  return {
    retryFailedTasks: (workstreamId) =>
      guard(`retry the failed tasks of workstream ${workstreamId}`, async () => {
        const at = ctx.now();
        const outcome = await db.transaction(async (tx) => {
          const locked = await lockWorkstream(tx, workstreamId, RETRYABLE_WORKSTREAM, 'have its failed tasks retried');
          if (!locked.ok) return locked;
          const retried = await rerun(tx, and(eq(platformTasks.workstreamId, workstreamId), inArray(platformTasks.state, ['failed', 'timed_out'])));
          if (!retried.length) return fail('invalid_state', `workstream ${workstreamId} has no failed task to retry`);
          const [row] = await tx.update(platformWorkstreams).set({ state: 'running' }).where(eq(platformWorkstreams.id, workstreamId)).returning();
          return ok({ workstream: toWorkstream(row!), tasks: retried.map(toTask).sort(byId) });
        });
        if (!outcome.ok) return outcome;
        const { workstream, tasks } = outcome.value;
        await ctx.publish(running(workstream, tasks, at));
        return ok({ workstream, retriedTaskIds: tasks.map((t) => t.id) });
      }),

    resumeWorkstream: (workstreamId, body) =>
      guard(`resume workstream ${workstreamId} from ${body.fromTask}`, async () => {
        const at = ctx.now();
        const outcome = await db.transaction(async (tx) => {
          const locked = await lockWorkstream(tx, workstreamId, RESUMABLE_WORKSTREAM, 'be resumed');
          if (!locked.ok) return locked;
          const own = await tx.select().from(platformTasks).where(eq(platformTasks.workstreamId, workstreamId));
          const from = own.find((t) => t.id === body.fromTask);
          if (!from) return fail('not_found', `workstream ${workstreamId} has no task named ${body.fromTask}`);
          if (!(['pending', ...RERUNNABLE] as string[]).includes(from.state)) {
            return fail('invalid_state', `task ${from.id} is ${from.state.replace('_', ' ')}; resume from a task that has not run to its end`);
          }
          const resumed = await dependentsOf(tx, from.id, own.map((t) => t.id));
          const ids = own.filter((t) => resumed.has(t.id)).map((t) => t.id);
          const rerunning = await rerun(tx, and(inArray(platformTasks.id, ids), inArray(platformTasks.state, [...RERUNNABLE])));
          const stillPending = own.filter((t) => resumed.has(t.id) && t.state === 'pending');
          const [row] = await tx.update(platformWorkstreams).set({ state: 'running' }).where(eq(platformWorkstreams.id, workstreamId)).returning();
          return ok({ workstream: toWorkstream(row!), rerun: rerunning.map(toTask), pending: stillPending.map(toTask) });
        });
        if (!outcome.ok) return outcome;
        const { workstream, rerun: rerunning, pending } = outcome.value;
        await ctx.publish(running(workstream, rerunning, at));
        return ok({ workstream, resumedTaskIds: [...rerunning, ...pending].sort(byId).map((t) => t.id) });
      }),
  };
};
