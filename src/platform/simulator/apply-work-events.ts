import { sql, type SQL } from 'drizzle-orm';
import { platformBreakers, platformTasks, platformWorkers, platformWorkstreams } from '../../db/schema/index.js';
import type { EventAttributes } from '../../events/vocabulary.js';
import type { EventKinds } from './apply-events.js';
import { fromExcluded, keepUnlessGiven, upsertRows } from './apply-sql.js';

/** Orchestration defaults from the recovery procedures: three attempts, ten-minute tasks. */
const NEW_TASK = { attempt: 1, maxAttempts: 3, timeoutSeconds: 600 };

type TaskState = EventAttributes<'task.state'>;

/**
 * A task names its workstream and worker; those exist as soon as something runs in them. These
 * inserts never change an existing row, so they commute with every other event and one
 * statement per table covers a whole batch.
 */
function ensureParents(tasks: TaskState[]): SQL[] {
  const workstreams = [...new Set(tasks.flatMap((a) => (a.workstream ? [a.workstream] : [])))];
  const workers = [...new Set(tasks.flatMap((a) => (a.worker ? [a.worker] : [])))];
  return [
    ...upsertRows(platformWorkstreams, workstreams.map((id) => ({ id, state: 'running' })), 'nothing'),
    ...upsertRows(platformWorkers, workers.map((id) => ({ id, status: 'healthy' })), 'nothing'),
  ];
}

/** The row a task first heard of through this event starts as. */
// Fields written out, not spread from NEW_TASK and overridden: see NEW_RUNTIME in apply-agent-events.ts.
const newTask = (a: TaskState) => ({
  timeoutSeconds: NEW_TASK.timeoutSeconds,
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
function upsertTasks(tasks: TaskState[]): SQL[] {
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
  const statements: SQL[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    statements.push(...upsertRows(platformTasks, group.map(newTask), taskSet(first.attempt !== undefined, first.maxAttempts !== undefined)));
  }
  for (const a of alone) {
    // maxAttempts is a validated integer: written into the statement as a number.
    const set = { ...taskSet(a.attempt !== undefined, false), maxAttempts: sql.raw(String(Math.trunc(a.maxAttempts!))) };
    statements.push(...upsertRows(platformTasks, [newTask(a)], set));
  }
  return statements;
}

/** The SET clause for task events that state attempt and/or maxAttempts (taken from the inserted row). */
function taskSet(attempt: boolean, maxAttempts: boolean): Record<string, SQL> {
  return {
    ...fromExcluded(platformTasks, ['state', ...(attempt ? (['attempt'] as const) : []), ...(maxAttempts ? (['maxAttempts'] as const) : [])]),
    ...keepUnlessGiven(platformTasks, ['workstreamId', 'workerId']),
  };
}

export const workKinds: EventKinds = {
  'worker.state': {
    key: (a) => `worker:${a.worker}`,
    merge: (_prev, next) => next,
    apply: (items) => {
      const rows = items.map(({ a }) => ({ id: a.worker, status: a.state }));
      return upsertRows(platformWorkers, rows, fromExcluded(platformWorkers, ['status']));
    },
  },
  // A heartbeat is proof of life: an unresponsive worker that beats again is healthy.
  'worker.heartbeat': {
    key: (a) => `worker:${a.worker}`,
    merge: (_prev, next) => next,
    apply: (items) => {
      const rows = items.map(({ a, at }) => ({ id: a.worker, status: 'healthy', lastHeartbeatAt: at }));
      const set = fromExcluded(platformWorkers, ['status', 'lastHeartbeatAt']);
      return upsertRows(platformWorkers, rows, set);
    },
  },

  // Not merged: what a later state leaves out, an earlier one may have said.
  'task.state': {
    key: (a) => `task:${a.taskId}`,
    apply: (items) => {
      const tasks = items.map(({ a }) => a);
      return [...ensureParents(tasks), ...upsertTasks(tasks)];
    },
  },

  'workstream.state': {
    key: (a) => `workstream:${a.workstream}`,
    merge: (_prev, next) => next,
    apply: (items) => {
      const rows = items.map(({ a }) => ({ id: a.workstream, state: a.state }));
      return upsertRows(platformWorkstreams, rows, fromExcluded(platformWorkstreams, ['state']));
    },
  },

  'breaker.state': {
    key: (a) => `breaker:${a.breaker}`,
    merge: (prev, next) => ({
      a: { ...next.a, partner: next.a.partner ?? prev.a.partner, failureRate: next.a.failureRate ?? prev.a.failureRate },
      at: next.at,
    }),
    apply: (items) => {
      const rows = items.map(({ a }) => ({ id: a.breaker, partner: a.partner ?? null, state: a.state, failureRate: a.failureRate ?? null }));
      const set = { ...fromExcluded(platformBreakers, ['state']), ...keepUnlessGiven(platformBreakers, ['partner', 'failureRate']) };
      return upsertRows(platformBreakers, rows, set);
    },
  },
};
