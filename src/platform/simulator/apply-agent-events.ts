import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  platformLoops,
  platformMcpServers,
  platformProviders,
  platformRoutines,
  platformRuntimes,
} from '../../db/schema/index.js';
import type { RuntimeDownReason } from '../../events/vocabulary.js';
import { entityKey } from './context.js';
import type { EventHandlers } from './apply-events.js';
import { PROVIDER_NAMES } from './seed-data.js';

/** Defaults for an entity first heard of through an event: plausible, and overwritten by later events. */
const NEW_RUNTIME = { heartbeatIntervalSeconds: 30, memoryLimitMb: 1024 };
const NEW_ROUTINE = { budgetLimitUsd: 0, budgetSpentUsd: 0, budgetPeriod: 'month' };
const NEW_MCP = { transport: 'http', status: 'healthy', poolSize: 0, poolInUse: 0 };

/** `bash-runtime-mike` belongs to Mike even when the event does not say so. */
function runtimeOwner(runtime: string, employee?: string): string {
  if (employee) return entityKey(employee);
  const match = /^bash-runtime-(.+)$/.exec(runtime);
  return match ? entityKey(match[1]!) : 'unknown';
}

async function markDown(db: Db, a: { runtime: string; employee?: string; reason: RuntimeDownReason }): Promise<void> {
  const down = { status: 'unreachable', lastDownReason: a.reason, restartRequestedAt: null };
  await db
    .insert(platformRuntimes)
    .values({ id: a.runtime, employeeId: runtimeOwner(a.runtime, a.employee), ...NEW_RUNTIME, ...down })
    .onConflictDoUpdate({ target: platformRuntimes.id, set: down });
}

/** A provider is degraded when it is slow or failing often; the event may state it outright. */
function providerStatus(latencyMs: number, errorRate: number): 'connected' | 'degraded' | 'down' {
  if (errorRate >= 0.5) return 'down';
  return errorRate > 0.1 || latencyMs > 5_000 ? 'degraded' : 'connected';
}

export const agentHandlers: EventHandlers = {
  'runtime.heartbeat': async (db, a, at) => {
    const up = {
      status: 'connected',
      heartbeatIntervalSeconds: Math.max(1, Math.round(a.intervalSeconds)),
      lastHeartbeatAt: at,
      restartRequestedAt: null,
    };
    await db
      .insert(platformRuntimes)
      .values({ id: a.runtime, employeeId: runtimeOwner(a.runtime, a.employee), ...NEW_RUNTIME, ...up })
      .onConflictDoUpdate({ target: platformRuntimes.id, set: up });
  },
  'runtime.disconnected': (db, a) => markDown(db, a),
  'runtime.execution_failed': (db, a) => markDown(db, a),
  // Memory figures alone do not say a runtime exists or is up, so unknown ones are ignored.
  'runtime.memory': async (db, a) => {
    await db
      .update(platformRuntimes)
      .set({ memoryLimitMb: Math.round(a.limitMb) })
      .where(eq(platformRuntimes.id, a.runtime));
  },

  'loop.started': async (db, a, at) => {
    const details = {
      ticket: a.ticket ?? null,
      title: a.title ?? null,
      employeeId: a.employee ? entityKey(a.employee) : null,
      provider: a.provider ? entityKey(a.provider) : null,
    };
    // A resent start must not revive a loop that was cancelled meanwhile: status is left alone.
    await db
      .insert(platformLoops)
      .values({ id: a.loopId, ...details, status: 'running', startedAt: at })
      .onConflictDoUpdate({
        target: platformLoops.id,
        set: {
          ticket: sql`coalesce(excluded.ticket, ${platformLoops.ticket})`,
          title: sql`coalesce(excluded.title, ${platformLoops.title})`,
          employeeId: sql`coalesce(excluded.employee_id, ${platformLoops.employeeId})`,
          provider: sql`coalesce(excluded.provider, ${platformLoops.provider})`,
        },
      });
  },
  'loop.finished': async (db, a, at) => {
    const done = { status: a.outcome, finishedAt: at };
    await db
      .insert(platformLoops)
      .values({ id: a.loopId, startedAt: at, ...done })
      .onConflictDoUpdate({ target: platformLoops.id, set: done });
  },

  'routine.spend': async (db, a) => {
    const budget = { budgetSpentUsd: a.spentUsd, budgetLimitUsd: a.limitUsd, budgetPeriod: a.period };
    await db
      .insert(platformRoutines)
      .values({ id: a.routine, status: 'active', ...budget })
      .onConflictDoUpdate({ target: platformRoutines.id, set: budget });
  },
  'routine.paused': async (db, a) => {
    const paused = { status: 'paused', pausedReason: a.reason };
    await db
      .insert(platformRoutines)
      .values({ id: a.routine, ...NEW_ROUTINE, ...paused })
      .onConflictDoUpdate({ target: platformRoutines.id, set: paused });
  },
  'routine.resumed': async (db, a) => {
    await db
      .update(platformRoutines)
      .set({ status: 'active', pausedReason: null })
      .where(eq(platformRoutines.id, a.routine));
  },

  'mcp.pool': async (db, a) => {
    const pool = { poolInUse: a.inUse, poolSize: a.size };
    await db
      .insert(platformMcpServers)
      .values({ id: a.server, ...NEW_MCP, ...pool })
      .onConflictDoUpdate({ target: platformMcpServers.id, set: pool });
  },
  'mcp.health': async (db, a) => {
    await db
      .insert(platformMcpServers)
      .values({ id: a.server, ...NEW_MCP, status: a.status })
      .onConflictDoUpdate({ target: platformMcpServers.id, set: { status: a.status } });
  },
  'provider.health': async (db, a) => {
    const id = entityKey(a.provider);
    const health = {
      status: a.status ?? providerStatus(a.latencyMs, a.errorRate),
      latencyMs: a.latencyMs,
      errorRate: a.errorRate,
    };
    await db
      .insert(platformProviders)
      .values({ id, name: PROVIDER_NAMES[id] ?? a.provider, ...health })
      .onConflictDoUpdate({ target: platformProviders.id, set: health });
  },
};
