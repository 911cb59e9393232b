import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { platformBreakers, platformTasks, platformWorkers, platformWorkstreams } from '../../db/schema/index.js';
import type { EventHandlers } from './apply-events.js';

/** Orchestration defaults from the recovery procedures: three attempts, ten-minute tasks. */
const NEW_TASK = { attempt: 1, maxAttempts: 3, timeoutSeconds: 600 };

/** A task names its workstream and worker; those exist as soon as something runs in them. */
async function ensureParents(db: Db, workstream?: string, worker?: string): Promise<void> {
  if (workstream) await db.insert(platformWorkstreams).values({ id: workstream, state: 'running' }).onConflictDoNothing();
  if (worker) await db.insert(platformWorkers).values({ id: worker, status: 'healthy' }).onConflictDoNothing();
}

export const workHandlers: EventHandlers = {
  'worker.state': async (db, a) => {
    await db
      .insert(platformWorkers)
      .values({ id: a.worker, status: a.state })
      .onConflictDoUpdate({ target: platformWorkers.id, set: { status: a.state } });
  },
  // A heartbeat is proof of life: an unresponsive worker that beats again is healthy.
  'worker.heartbeat': async (db, a, at) => {
    const alive = { status: 'healthy', lastHeartbeatAt: at };
    await db
      .insert(platformWorkers)
      .values({ id: a.worker, ...alive })
      .onConflictDoUpdate({ target: platformWorkers.id, set: alive });
  },

  'task.state': async (db, a) => {
    await ensureParents(db, a.workstream, a.worker);
    // Only what the event states changes; undefined keys are left out of the UPDATE by drizzle.
    const stated = {
      state: a.state,
      workstreamId: a.workstream,
      workerId: a.worker,
      attempt: a.attempt,
      maxAttempts: a.maxAttempts,
    };
    await db
      .insert(platformTasks)
      .values({
        ...NEW_TASK,
        ...stated,
        id: a.taskId,
        attempt: a.attempt ?? NEW_TASK.attempt,
        maxAttempts: Math.max(a.maxAttempts ?? NEW_TASK.maxAttempts, a.attempt ?? 1),
      })
      .onConflictDoUpdate({ target: platformTasks.id, set: stated });
  },

  'workstream.state': async (db, a) => {
    await db
      .insert(platformWorkstreams)
      .values({ id: a.workstream, state: a.state })
      .onConflictDoUpdate({ target: platformWorkstreams.id, set: { state: a.state } });
  },

  'breaker.state': async (db, a) => {
    await db
      .insert(platformBreakers)
      .values({ id: a.breaker, partner: a.partner ?? null, state: a.state, failureRate: a.failureRate ?? null })
      .onConflictDoUpdate({
        target: platformBreakers.id,
        set: {
          state: a.state,
          partner: sql`coalesce(excluded.partner, ${platformBreakers.partner})`,
          failureRate: sql`coalesce(excluded.failure_rate, ${platformBreakers.failureRate})`,
        },
      });
  },
};
