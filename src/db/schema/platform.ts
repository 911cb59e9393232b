import { doublePrecision, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The embedded platform simulator's model of the seed workspace. It lives in the database (not in
 * memory) so a restarted Triage sees the same half-recovered workspace it left, and replicas agree.
 * Status columns are plain text: the port's zod enums are the contract, and rows read back are
 * parsed against them.
 */
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
// Money in cents precision, as exact numerics: `limit + override` must not drift like a float.
const usd = (name: string) => numeric(name, { precision: 12, scale: 2, mode: 'number' });

/** One row per seeded workspace: its presence is what makes seeding run once only. */
export const platformSeed = pgTable('platform_seed', {
  id: text('id').primaryKey(),
  seededAt: at('seeded_at').notNull().defaultNow(),
});

export const platformEmployees = pgTable('platform_employees', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  role: text('role').notNull(),
});

export const platformRuntimes = pgTable('platform_runtimes', {
  id: text('id').primaryKey(),
  employeeId: text('employee_id').notNull(),
  status: text('status').notNull(),
  heartbeatIntervalSeconds: integer('heartbeat_interval_seconds').notNull(),
  lastHeartbeatAt: at('last_heartbeat_at'),
  lastDownReason: text('last_down_reason'),
  memoryLimitMb: integer('memory_limit_mb').notNull(),
  /** When a restart began; a restart interrupted by a Triage restart is finished on the next start. */
  restartRequestedAt: at('restart_requested_at'),
});

export const platformLoops = pgTable('platform_loops', {
  id: text('id').primaryKey(),
  ticket: text('ticket'),
  title: text('title'),
  employeeId: text('employee_id'),
  provider: text('provider'),
  status: text('status').notNull(),
  startedAt: at('started_at').notNull(),
  finishedAt: at('finished_at'),
  cancelReason: text('cancel_reason'),
});

export const platformRoutines = pgTable('platform_routines', {
  id: text('id').primaryKey(),
  status: text('status').notNull(),
  pausedReason: text('paused_reason'),
  budgetLimitUsd: usd('budget_limit_usd').notNull(),
  budgetSpentUsd: usd('budget_spent_usd').notNull(),
  budgetPeriod: text('budget_period').notNull(),
});

export const platformMcpServers = pgTable('platform_mcp_servers', {
  id: text('id').primaryKey(),
  transport: text('transport').notNull(),
  status: text('status').notNull(),
  poolSize: integer('pool_size').notNull(),
  poolInUse: integer('pool_in_use').notNull(),
});

export const platformProviders = pgTable('platform_providers', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  status: text('status').notNull(),
  latencyMs: doublePrecision('latency_ms'),
  errorRate: doublePrecision('error_rate'),
});

export const platformWorkers = pgTable('platform_workers', {
  id: text('id').primaryKey(),
  status: text('status').notNull(),
  lastHeartbeatAt: at('last_heartbeat_at'),
});

export const platformWorkstreams = pgTable('platform_workstreams', {
  id: text('id').primaryKey(),
  state: text('state').notNull(),
});

export const platformTasks = pgTable('platform_tasks', {
  id: text('id').primaryKey(),
  workstreamId: text('workstream_id'),
  workerId: text('worker_id'),
  state: text('state').notNull(),
  attempt: integer('attempt').notNull(),
  maxAttempts: integer('max_attempts').notNull(),
  timeoutSeconds: integer('timeout_seconds').notNull(),
  skipReason: text('skip_reason'),
});

export const platformBreakers = pgTable('platform_breakers', {
  id: text('id').primaryKey(),
  partner: text('partner'),
  state: text('state').notNull(),
  failureRate: doublePrecision('failure_rate'),
});

/**
 * The simulated platform's other objects, which only its recovery operations change (a partner's
 * autonomy ceiling, a Redis instance's TTL and maxmemory, a queue's dead letters, the provider
 * new work is routed to...): one JSON document per object, read and written by
 * src/platform/simulator/objects.ts. A real platform keeps these in its own systems.
 */
export const platformObjects = pgTable(
  'platform_objects',
  {
    kind: text('kind').notNull(),
    id: text('id').notNull(),
    state: jsonb('state').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.id] })],
);

/**
 * The simulated platform's record of actions by Idempotency-Key (docs/platform-api.md,
 * "Idempotency"): a repeat of a key it has done is answered from here instead of acting again.
 * 'pending' while the first request runs; a refused action leaves no row, so its key may try again.
 */
export const platformIdempotencyKeys = pgTable(
  'platform_idempotency_keys',
  {
    key: text('key').primaryKey(),
    /** The operation, target and body the key was first used for; a different request is refused. */
    fingerprint: text('fingerprint').notNull(),
    state: text('state').notNull(),
    response: jsonb('response'),
    createdAt: at('created_at').notNull(),
  },
  (t) => [index('platform_idempotency_keys_created_idx').on(t.createdAt)],
);
