import { and, eq, ne } from 'drizzle-orm';
import { platformRuntimes } from '../../db/schema/index.js';
import { ok } from '../../result.js';
import type { PlatformResult, Runtime } from '../port.js';
import { fail, guard, simEvent, type SimContext } from './context.js';
import { toRuntime } from './rows.js';

export type RuntimeRestarts = {
  restartRuntime(runtimeId: string): PlatformResult<Runtime>;
  /** Picks up restarts a previous process began but did not finish (state survives, timers do not). */
  resumePending(): Promise<void>;
  close(): void;
};

/**
 * A restart is not instant on a real platform: the runtime reports `restarting` until its first
 * heartbeat. The simulator models that with a timer, so Triage's "restart → wait for heartbeat →
 * update the card" path runs the way it will in production.
 */
export function createRuntimeRestarts(
  ctx: SimContext,
  options: { delayMs: number; onError: (error: unknown, context: string) => void },
): RuntimeRestarts {
  const db = ctx.database.db;
  const timers = new Map<string, NodeJS.Timeout>();
  let closed = false;

  const finish = async (runtimeId: string): Promise<void> => {
    const at = ctx.now();
    // Conditional: a disconnect that arrived meanwhile means the restart failed, so no heartbeat.
    const [row] = await db
      .update(platformRuntimes)
      .set({ status: 'connected', lastHeartbeatAt: at, restartRequestedAt: null })
      .where(and(eq(platformRuntimes.id, runtimeId), eq(platformRuntimes.status, 'restarting')))
      .returning();
    if (!row) return;
    const attributes = { runtime: row.id, intervalSeconds: row.heartbeatIntervalSeconds, employee: row.employeeId };
    await ctx.publish([simEvent('runtime.heartbeat', attributes, at)]);
  };

  const schedule = (runtimeId: string, delayMs: number): void => {
    if (closed) return;
    clearTimeout(timers.get(runtimeId));
    const timer = setTimeout(() => {
      timers.delete(runtimeId);
      finish(runtimeId).catch((error: unknown) => options.onError(error, `finishing the restart of ${runtimeId}`));
    }, Math.max(0, delayMs));
    // A pending restart must not hold the process open on shutdown; the next start resumes it.
    timer.unref();
    timers.set(runtimeId, timer);
  };

  return {
    restartRuntime: (runtimeId) =>
      guard(`restart runtime ${runtimeId}`, async () => {
        const [row] = await db
          .update(platformRuntimes)
          .set({ status: 'restarting', restartRequestedAt: ctx.now() })
          .where(and(eq(platformRuntimes.id, runtimeId), ne(platformRuntimes.status, 'restarting')))
          .returning();
        if (row) {
          schedule(row.id, options.delayMs);
          return ok(toRuntime(row));
        }
        const [existing] = await db.select().from(platformRuntimes).where(eq(platformRuntimes.id, runtimeId));
        return existing
          ? fail('invalid_state', `runtime ${runtimeId} is already restarting; wait for its heartbeat`)
          : fail('not_found', `no runtime named ${runtimeId}`);
      }),

    async resumePending() {
      const pending = await db.select().from(platformRuntimes).where(eq(platformRuntimes.status, 'restarting'));
      const now = ctx.now().getTime();
      for (const row of pending) {
        const elapsed = row.restartRequestedAt ? now - row.restartRequestedAt.getTime() : options.delayMs;
        schedule(row.id, options.delayMs - elapsed);
      }
    },

    close() {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
