import type { Db } from '../../db/client.js';
import { platformBreakers, platformTasks, platformWorkers, platformWorkstreams } from '../../db/schema/index.js';
import type { EventAttributes } from '../../events/vocabulary.js';
import type { EventKinds } from './apply-events.js';
import { fromExcluded, keepUnlessGiven } from './apply-sql.js';

/** Orchestration defaults from the recovery procedures: three attempts, ten-minute tasks. */
const NEW_TASK = { attempt: 1, maxAttempts: 3, timeoutSeconds: 600 };

type TaskState = EventAttributes<'task.state'>;

/**
 * A task names its workstream and worker; those exist as soon as something runs in them. These
 * inserts never change an existing row, so they commute with every other event and one
 * statement per table covers a whole batch.
 */
async function ensureParents(db: Db, tasks: TaskState[]): Promise<void> {
  const workstreams = [...new Set(tasks.flatMap((a) => (a.workstream ? [a.workstream] : [])))];
  const workers = [...new Set(tasks.flatMap((a) => (a.worker ? [a.worker] : [])))];
  if (workstreams.length) {
    await db.insert(platformWorkstreams).values(workstreams.map((id) => ({ id, state: 'running' }))).onConflictDoNothing();
  }
  if (workers.length) await db.insert(platformWorkers).values(workers.map((id) => ({ id, status: 'healthy' }))).onConflictDoNothing();
}

/** The row a task first heard of through this event starts as. */
const newTask = (a: TaskState) => ({
  ...NEW_TASK,
  id: a.taskId,
  state: a.state,
  workstreamId: a.workstream ?? null,
  workerId: a.worker ?? null,
  attempt: a.attempt ?? NEW_TASK.attempt,
  maxAttempts: Math.max(a.maxAttempts ?? NEW_TASK.maxAttempts, a.attempt ?? 1),
});

/**
 * Only what the event states changes an existing task. Workstream and worker are never null when
 * stated, so `coalesce` keeps them when not; attempt and maxAttempts are set from the inserted
 * row only by events that state them and whose inserted value is the stated one. Events are
 * grouped by which of the two they state, one statement per group; the odd event whose new-row
 * maxAttempts differs from what it states (attempt above maxAttempts) gets its own statement.
 */
async function upsertTasks(db: Db, tasks: TaskState[]): Promise<void> {
  const groups = new Map<string, TaskState[]>();
  const alone: TaskState[] = [];
  for (const a of tasks) {
    if (a.maxAttempts !== undefined && newTask(a).maxAttempts !== a.maxAttempts) {
      alone.push(a);
      continue;
    }
    const shape = `${a.attempt !== undefined}:${a.maxAttempts !== undefined}`;
    const group = groups.get(shape);
    if (group) group.push(a);
    else groups.set(shape, [a]);
  }
  for (const group of groups.values()) {
    const first = group[0]!;
    const set = {
      ...fromExcluded(platformTasks, [
        'state',
        ...(first.attempt !== undefined ? (['attempt'] as const) : []),
        ...(first.maxAttempts !== undefined ? (['maxAttempts'] as const) : []),
      ]),
      ...keepUnlessGiven(platformTasks, ['workstreamId', 'workerId']),
    };
    await db.insert(platformTasks).values(group.map(newTask)).onConflictDoUpdate({ target: platformTasks.id, set });
  }
  for (const a of alone) {
    const stated = { state: a.state, workstreamId: a.workstream, workerId: a.worker, attempt: a.attempt, maxAttempts: a.maxAttempts };
    // drizzle leaves undefined keys out of the UPDATE: what the event does not state is kept.
    await db.insert(platformTasks).values(newTask(a)).onConflictDoUpdate({ target: platformTasks.id, set: stated });
  }
}

export const workKinds: EventKinds = {
  'worker.state': {
    key: (a) => `worker:${a.worker}`,
    merge: (_prev, next) => next,
    apply: async (db, items) => {
      const rows = items.map(({ a }) => ({ id: a.worker, status: a.state }));
      await db.insert(platformWorkers).values(rows).onConflictDoUpdate({ target: platformWorkers.id, set: fromExcluded(platformWorkers, ['status']) });
    },
  },
  // A heartbeat is proof of life: an unresponsive worker that beats again is healthy.
  'worker.heartbeat': {
    key: (a) => `worker:${a.worker}`,
    merge: (_prev, next) => next,
    apply: async (db, items) => {
      const rows = items.map(({ a, at }) => ({ id: a.worker, status: 'healthy', lastHeartbeatAt: at }));
      const set = fromExcluded(platformWorkers, ['status', 'lastHeartbeatAt']);
      await db.insert(platformWorkers).values(rows).onConflictDoUpdate({ target: platformWorkers.id, set });
    },
  },

  // Not merged: what a later state leaves out, an earlier one may have said.
  'task.state': {
    key: (a) => `task:${a.taskId}`,
    apply: async (db, items) => {
      const tasks = items.map(({ a }) => a);
      await ensureParents(db, tasks);
      await upsertTasks(db, tasks);
    },
  },

  'workstream.state': {
    key: (a) => `workstream:${a.workstream}`,
    merge: (_prev, next) => next,
    apply: async (db, items) => {
      const rows = items.map(({ a }) => ({ id: a.workstream, state: a.state }));
      await db
        .insert(platformWorkstreams)
        .values(rows)
        .onConflictDoUpdate({ target: platformWorkstreams.id, set: fromExcluded(platformWorkstreams, ['state']) });
    },
  },

  'breaker.state': {
    key: (a) => `breaker:${a.breaker}`,
    merge: (prev, next) => ({
      a: { ...next.a, partner: next.a.partner ?? prev.a.partner, failureRate: next.a.failureRate ?? prev.a.failureRate },
      at: next.at,
    }),
    apply: async (db, items) => {
      const rows = items.map(({ a }) => ({ id: a.breaker, partner: a.partner ?? null, state: a.state, failureRate: a.failureRate ?? null }));
      const set = { ...fromExcluded(platformBreakers, ['state']), ...keepUnlessGiven(platformBreakers, ['partner', 'failureRate']) };
      await db.insert(platformBreakers).values(rows).onConflictDoUpdate({ target: platformBreakers.id, set });
    },
  },
};
