import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { platformObjects, platformTasks } from '../../../db/schema/index.js';
import { ok } from '../../../result.js';
import { fail, guard, simEvent } from '../context.js';
import { changeObject, readObject } from '../objects.js';
import type { Handlers } from './handler.js';
import { SUBAGENT, TASK_DEPENDENCIES } from './work-events.js';

const Dependencies = z.object({ dependsOn: z.array(z.string()), workstream: z.string().optional() });
const Subagent = z.object({ taskType: z.string(), taskId: z.string(), state: z.enum(['running', 'stopped']), spawnedAt: z.string() });
/** A task that ended on its own is no longer a running subagent, whatever its spawn said. */
const ENDED = ['completed', 'failed', 'timed_out', 'skipped', 'cancelled'];
/** Only a task that has not started can be rescheduled without its dependency; a started one already ran past it. */
const REWIRABLE = ['pending'];

/** `a>b`: task a depends on task b, as the dependency cycle card names each edge. */
function edgeOf(id: string): { from: string; to: string } | undefined {
  const parts = id.split('>');
  return parts.length === 2 && parts[0]!.trim() && parts[1]!.trim() ? { from: parts[0]!.trim(), to: parts[1]!.trim() } : undefined;
}

/** The simulator's side of removeDependency and stopDuplicateSpawns (src/platform/operations/work.ts). */
export const spawnRemedies: Handlers<'removeDependency' | 'stopDuplicateSpawns'> = (ctx) => {
  const db = ctx.database.db;
  return {
    removeDependency: async (dependencyId) => {
      const edge = edgeOf(dependencyId);
      if (!edge) return fail('invalid_input', `a dependency is named "task>dependency" (e.g. task-001>task-002), not "${dependencyId}"`);
      return guard(`remove the dependency of ${edge.from} on ${edge.to}`, async () => {
        const at = ctx.now();
        const [task] = await db.select().from(platformTasks).where(eq(platformTasks.id, edge.from));
        if (task && !REWIRABLE.includes(task.state)) return fail('invalid_state', `task ${edge.from} is ${task.state.replace('_', ' ')}; only a pending task's dependencies can be removed`);
        const changed = await changeObject(db, at, { kind: TASK_DEPENDENCIES, id: edge.from, schema: Dependencies }, (current) => {
          if (!current?.dependsOn.includes(edge.to)) return fail('not_found', `task ${edge.from} does not depend on ${edge.to}`);
          return ok({ ...current, dependsOn: current.dependsOn.filter((d) => d !== edge.to) });
        });
        if (!changed.ok) return changed;
        const { dependsOn, workstream } = changed.value.after;
        await ctx.publish([simEvent('task.dependency', { taskId: edge.from, dependsOn, workstream }, at)]);
        return ok({ taskId: edge.from, removed: edge.to, dependsOn });
      });
    },

    stopDuplicateSpawns: (agentId) =>
      guard(`stop the duplicates of subagent ${agentId}`, async () => {
        const at = ctx.now();
        const kept = await readObject(db, SUBAGENT, agentId, Subagent);
        if (!kept) return fail('not_found', `no subagent named ${agentId}`);
        if (kept.state !== 'running') return fail('invalid_state', `subagent ${agentId} is ${kept.state}; keep one that is running`);
        const stopped = await db.transaction(async (tx) => {
          const others = await tx
            .select()
            .from(platformObjects)
            .where(and(eq(platformObjects.kind, SUBAGENT), ne(platformObjects.id, agentId), sql`${platformObjects.state}->>'taskType' = ${kept.taskType}`, sql`${platformObjects.state}->>'state' = 'running'`))
            .for('update');
          const spawns = others.flatMap((row) => {
            const parsed = Subagent.safeParse(row.state);
            return parsed.success ? [{ id: row.id, ...parsed.data }] : [];
          });
          const ended = spawns.length
            ? new Set((await tx.select({ id: platformTasks.id }).from(platformTasks).where(and(inArray(platformTasks.id, spawns.map((s) => s.taskId)), inArray(platformTasks.state, ENDED)))).map((t) => t.id))
            : new Set<string>();
          const running = spawns.filter((s) => !ended.has(s.taskId));
          for (const { id, ...spawn } of running) {
            // The research's shutdown: a soft signal first so it saves its state, then terminate.
            const state = { ...spawn, state: 'stopped', stoppedAt: at.toISOString(), stoppedBecause: `duplicate of ${agentId}` };
            await tx.update(platformObjects).set({ state, updatedAt: at }).where(and(eq(platformObjects.kind, SUBAGENT), eq(platformObjects.id, id)));
          }
          return running.sort((a, b) => a.spawnedAt.localeCompare(b.spawnedAt));
        });
        if (!stopped.length) return fail('invalid_state', `${agentId} is the only ${kept.taskType} subagent running; there is no duplicate to stop`);
        // Each subagent is a task of its type: stopped, its task is cancelled as the platform reports it.
        await ctx.publish(stopped.map((s) => simEvent('task.state', { taskId: s.taskId, taskType: s.taskType, state: 'cancelled', reason: `duplicate of ${agentId}` }, at)));
        return ok({ kept: agentId, taskType: kept.taskType, stopped: stopped.map((s) => s.id) });
      }),
  };
};
