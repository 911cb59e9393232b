import { sql } from 'drizzle-orm';
import {
  platformLoops,
  platformMcpServers,
  platformProviders,
  platformRoutines,
  platformRuntimes,
} from '../../db/schema/index.js';
import type { RuntimeDownReason } from '../../events/vocabulary.js';
import { entityKey } from './context.js';
import type { EventKind, EventKinds } from './apply-events.js';
import { fromExcluded, jsonLiteral, keepUnlessGiven, upsertRows } from './apply-sql.js';
import { PROVIDER_NAMES } from './seed-data.js';

/**
 * Defaults for an entity first heard of through an event: plausible, and overwritten by later
 * events. Rows name each field rather than spreading these and overriding some of them: V8 builds
 * such objects on a slow path (2-10 µs each here, ~50x a plain literal), thousands per second.
 */
const NEW_RUNTIME = { heartbeatIntervalSeconds: 30, memoryLimitMb: 1024 };
const NEW_ROUTINE = { budgetLimitUsd: 0, budgetSpentUsd: 0, budgetPeriod: 'month' };
const NEW_MCP = { transport: 'http', status: 'healthy', poolSize: 0, poolInUse: 0 };

/** `bash-runtime-mike` belongs to Mike even when the event does not say so. */
function runtimeOwner(runtime: string, employee?: string): string {
  if (employee) return entityKey(employee);
  const match = /^bash-runtime-(.+)$/.exec(runtime);
  return match ? entityKey(match[1]!) : 'unknown';
}

/** A provider is degraded when it is slow or failing often; the event may state it outright. */
function providerStatus(latencyMs: number, errorRate: number): 'connected' | 'degraded' | 'down' {
  if (errorRate >= 0.5) return 'down';
  return errorRate > 0.1 || latencyMs > 5_000 ? 'degraded' : 'connected';
}

/** The latest state wins, except that a row first created keeps the owner the first event named. */
function keepFirstEmployee<A extends { employee?: string }>(prev: { a: A; at: Date }, next: { a: A; at: Date }): { a: A; at: Date } {
  return { a: { ...next.a, employee: prev.a.employee }, at: next.at };
}

/** Disconnected and failed executions both mark a runtime unreachable with a reason. */
const markDown: EventKind<'runtime.disconnected' | 'runtime.execution_failed'> = {
  key: (a) => `runtime:${a.runtime}`,
  merge: keepFirstEmployee,
  apply: (items) => {
    const rows = items.map(({ a }) => ({
      id: a.runtime,
      employeeId: runtimeOwner(a.runtime, a.employee),
      heartbeatIntervalSeconds: NEW_RUNTIME.heartbeatIntervalSeconds,
      memoryLimitMb: NEW_RUNTIME.memoryLimitMb,
      status: 'unreachable',
      lastDownReason: a.reason as RuntimeDownReason,
      restartRequestedAt: null,
    }));
    return upsertRows(platformRuntimes, rows, fromExcluded(platformRuntimes, ['status', 'lastDownReason', 'restartRequestedAt']));
  },
};

export const agentKinds: EventKinds = {
  'runtime.heartbeat': {
    key: (a) => `runtime:${a.runtime}`,
    merge: keepFirstEmployee,
    apply: (items) => {
      const rows = items.map(({ a, at }) => ({
        id: a.runtime,
        employeeId: runtimeOwner(a.runtime, a.employee),
        memoryLimitMb: NEW_RUNTIME.memoryLimitMb,
        status: 'connected',
        heartbeatIntervalSeconds: Math.max(1, Math.round(a.intervalSeconds)),
        lastHeartbeatAt: at,
        restartRequestedAt: null,
      }));
      const set = fromExcluded(platformRuntimes, ['status', 'heartbeatIntervalSeconds', 'lastHeartbeatAt', 'restartRequestedAt']);
      return upsertRows(platformRuntimes, rows, set);
    },
  },
  'runtime.disconnected': markDown as EventKind<'runtime.disconnected'>,
  'runtime.execution_failed': markDown as EventKind<'runtime.execution_failed'>,
  // Memory figures alone do not say a runtime exists or is up, so unknown ones are ignored.
  'runtime.memory': {
    key: (a) => `runtime:${a.runtime}`,
    merge: (_prev, next) => next,
    apply: (items) => {
      const rows = JSON.stringify(items.map(({ a }) => ({ id: a.runtime, limit: Math.round(a.limitMb) })));
      return [
        sql`update ${platformRuntimes} set memory_limit_mb = x.limit
          from jsonb_to_recordset(${jsonLiteral(rows)}) as x(id text, "limit" integer)
          where ${platformRuntimes.id} = x.id`,
      ];
    },
  },

  // A resent start must not revive a loop that was cancelled meanwhile: status is left alone.
  'loop.started': {
    key: (a) => `loop:${a.loopId}`,
    // The first start creates the row (and its start time); later ones fill in what they add.
    merge: (prev, next) => ({
      a: {
        ...next.a,
        ticket: next.a.ticket ?? prev.a.ticket,
        title: next.a.title ?? prev.a.title,
        employee: next.a.employee ?? prev.a.employee,
        provider: next.a.provider ?? prev.a.provider,
      },
      at: prev.at,
    }),
    apply: (items) => {
      const rows = items.map(({ a, at }) => ({
        id: a.loopId,
        ticket: a.ticket ?? null,
        title: a.title ?? null,
        employeeId: a.employee ? entityKey(a.employee) : null,
        provider: a.provider ? entityKey(a.provider) : null,
        status: 'running',
        startedAt: at,
      }));
      const set = keepUnlessGiven(platformLoops, ['ticket', 'title', 'employeeId', 'provider']);
      return upsertRows(platformLoops, rows, set);
    },
  },
  // Not merged: a finish that creates the loop records its own time as the start.
  'loop.finished': {
    key: (a) => `loop:${a.loopId}`,
    apply: (items) => {
      const rows = items.map(({ a, at }) => ({ id: a.loopId, startedAt: at, status: a.outcome, finishedAt: at }));
      return upsertRows(platformLoops, rows, fromExcluded(platformLoops, ['status', 'finishedAt']));
    },
  },

  'routine.spend': {
    key: (a) => `routine:${a.routine}`,
    merge: (_prev, next) => next,
    apply: (items) => {
      const rows = items.map(({ a }) => ({
        id: a.routine,
        status: 'active',
        budgetSpentUsd: a.spentUsd,
        budgetLimitUsd: a.limitUsd,
        budgetPeriod: a.period,
      }));
      const set = fromExcluded(platformRoutines, ['budgetSpentUsd', 'budgetLimitUsd', 'budgetPeriod']);
      return upsertRows(platformRoutines, rows, set);
    },
  },
  'routine.paused': {
    key: (a) => `routine:${a.routine}`,
    merge: (_prev, next) => next,
    apply: (items) => {
      const rows = items.map(({ a }) => ({ id: a.routine, ...NEW_ROUTINE, status: 'paused', pausedReason: a.reason }));
      const set = fromExcluded(platformRoutines, ['status', 'pausedReason']);
      return upsertRows(platformRoutines, rows, set);
    },
  },
  'routine.resumed': {
    key: (a) => `routine:${a.routine}`,
    merge: (_prev, next) => next,
    apply: (items) => {
      const ids = JSON.stringify(items.map(({ a }) => ({ id: a.routine })));
      return [
        sql`update ${platformRoutines} set status = 'active', paused_reason = null
          from jsonb_to_recordset(${jsonLiteral(ids)}) as x(id text)
          where ${platformRoutines.id} = x.id`,
      ];
    },
  },

  // Pool figures and health touch different columns, so they commute: separate keys.
  'mcp.pool': {
    key: (a) => `mcp-pool:${a.server}`,
    merge: (_prev, next) => next,
    apply: (items) => {
      const rows = items.map(({ a }) => ({ id: a.server, transport: NEW_MCP.transport, status: NEW_MCP.status, poolInUse: a.inUse, poolSize: a.size }));
      const set = fromExcluded(platformMcpServers, ['poolInUse', 'poolSize']);
      return upsertRows(platformMcpServers, rows, set);
    },
  },
  'mcp.health': {
    key: (a) => `mcp-status:${a.server}`,
    merge: (_prev, next) => next,
    apply: (items) => {
      const rows = items.map(({ a }) => ({ id: a.server, transport: NEW_MCP.transport, status: a.status, poolSize: NEW_MCP.poolSize, poolInUse: NEW_MCP.poolInUse }));
      return upsertRows(platformMcpServers, rows, fromExcluded(platformMcpServers, ['status']));
    },
  },
  'provider.health': {
    key: (a) => `provider:${entityKey(a.provider)}`,
    // The display name comes from the event that created the row.
    merge: (prev, next) => ({ a: { ...next.a, provider: prev.a.provider }, at: next.at }),
    apply: (items) => {
      const rows = items.map(({ a }) => {
        const id = entityKey(a.provider);
        const status = a.status ?? providerStatus(a.latencyMs, a.errorRate);
        return { id, name: PROVIDER_NAMES[id] ?? a.provider, status, latencyMs: a.latencyMs, errorRate: a.errorRate };
      });
      const set = fromExcluded(platformProviders, ['status', 'latencyMs', 'errorRate']);
      return upsertRows(platformProviders, rows, set);
    },
  },
};
