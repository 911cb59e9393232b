import { z } from 'zod';
import type { Result } from '../result.js';
import type { OperationAnswer, OperationBody, OperationName } from './operations/index.js';

/**
 * What Triage can ask of the monitored agent platform. Two implementations: the embedded
 * simulator and an HTTP client for a real platform (docs/platform-api.md). Every shape that
 * crosses the port is a zod schema, because the HTTP client parses what a foreign server sends.
 */
export const Employee = z.object({ id: z.string(), name: z.string(), role: z.string() });
export type Employee = z.infer<typeof Employee>;

export const Runtime = z.object({
  id: z.string(),
  employeeId: z.string(),
  status: z.enum(['connected', 'unreachable', 'restarting']),
  heartbeatIntervalSeconds: z.number(),
  lastHeartbeatAt: z.string().nullable(),
  lastDownReason: z.string().nullable(),
  memoryLimitMb: z.number(),
});
export type Runtime = z.infer<typeof Runtime>;

export const AgenticLoop = z.object({
  id: z.string(),
  ticket: z.string().nullable(),
  title: z.string().nullable(),
  employeeId: z.string().nullable(),
  provider: z.string().nullable(),
  status: z.enum(['running', 'completed', 'failed', 'cancelled']),
  startedAt: z.string(),
});
export type AgenticLoop = z.infer<typeof AgenticLoop>;

export const Routine = z.object({
  id: z.string(),
  status: z.enum(['active', 'paused']),
  pausedReason: z.string().nullable(),
  budgetLimitUsd: z.number(),
  budgetSpentUsd: z.number(),
  budgetPeriod: z.enum(['day', 'week', 'month']),
});
export type Routine = z.infer<typeof Routine>;

export const McpServer = z.object({
  id: z.string(),
  transport: z.enum(['http', 'stdio']),
  status: z.enum(['healthy', 'degraded', 'failing']),
  poolSize: z.number(),
  poolInUse: z.number(),
});
export type McpServer = z.infer<typeof McpServer>;

export const Provider = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['connected', 'degraded', 'down']),
  latencyMs: z.number().nullable(),
  errorRate: z.number().nullable(),
});
export type Provider = z.infer<typeof Provider>;

export const Worker = z.object({
  id: z.string(),
  status: z.enum(['healthy', 'unresponsive', 'stopped']),
  lastHeartbeatAt: z.string().nullable(),
});
export type Worker = z.infer<typeof Worker>;

export const Task = z.object({
  id: z.string(),
  workstreamId: z.string().nullable(),
  workerId: z.string().nullable(),
  state: z.enum(['pending', 'executing', 'completed', 'failed', 'timed_out', 'skipped', 'cancelled']),
  attempt: z.number(),
  maxAttempts: z.number(),
  timeoutSeconds: z.number(),
});
export type Task = z.infer<typeof Task>;

export const Workstream = z.object({
  id: z.string(),
  state: z.enum(['running', 'completed', 'failed', 'rolled_back']),
});
export type Workstream = z.infer<typeof Workstream>;

/** What a rollback to the last checkpoint did (orchestration recovery procedures, "Workstream Rollback"). */
export const WorkstreamRollback = z.object({ workstream: Workstream, cancelledTaskIds: z.array(z.string()), resetTaskIds: z.array(z.string()) });
export type WorkstreamRollback = z.infer<typeof WorkstreamRollback>;

/** A circuit breaker guarding a partner or dependency (failure-scenarios playbook, scenario 1). */
export const CircuitBreaker = z.object({
  id: z.string(),
  partner: z.string().nullable(),
  state: z.enum(['closed', 'open', 'half_open']),
  failureRate: z.number().nullable(),
});
export type CircuitBreaker = z.infer<typeof CircuitBreaker>;

/**
 * What the platform answers with an error body (docs/platform-api.md, "Errors"). Adapters map
 * codes to words.
 */
export const PlatformErrorCode = z.enum(['not_found', 'invalid_state', 'invalid_input', 'unavailable', 'timeout']);
export type PlatformErrorCode = z.infer<typeof PlatformErrorCode>;
/**
 * What only the caller can tell, because the platform said nothing useful (docs/platform-api.md,
 * "Idempotency"):
 * - unreachable: no connection was made, so the request was certainly not received;
 * - unauthorized: the platform refused Triage's credentials (HTTP 401/403), so it did nothing;
 * - unconfirmed: the platform accepted the action (a 2xx) but its answer could not be read. The
 *   action happened; it is a success with a warning, never a reason to send it again.
 */
export type CallerErrorCode = 'unreachable' | 'unauthorized' | 'unconfirmed';
export type PlatformError = { code: PlatformErrorCode | CallerErrorCode; message: string };
export type PlatformResult<T> = Promise<Result<T, PlatformError>>;

/**
 * Every action carries the key of the one intent it serves: a repeat with the same key (a retry
 * after a timeout, a Retry press, a replica finishing another's work) is the same action, and a
 * platform that honours keys answers it from its record instead of acting again.
 */
export type ActionCall = { idempotencyKey: string };
export const IDEMPOTENCY_KEY = z.string().regex(/^[A-Za-z0-9._:-]{8,128}$/, '8 to 128 letters, digits, ".", "_", ":" or "-"');

/** What a platform declares about itself (GET /platform/capabilities). */
export const Capabilities = z.object({
  /** It keeps each action's answer under its Idempotency-Key and replays it for a repeat. */
  idempotencyKeys: z.boolean(),
});
export type Capabilities = z.infer<typeof Capabilities>;

export interface Platform {
  /** A platform that predates the capabilities route answers not_found: it declares nothing. */
  capabilities(): PlatformResult<Capabilities>;
  listEmployees(): PlatformResult<Employee[]>;
  listRuntimes(): PlatformResult<Runtime[]>;
  listLoops(): PlatformResult<AgenticLoop[]>;
  listRoutines(): PlatformResult<Routine[]>;
  listMcpServers(): PlatformResult<McpServer[]>;
  listProviders(): PlatformResult<Provider[]>;
  listWorkers(): PlatformResult<Worker[]>;
  listTasks(): PlatformResult<Task[]>;
  listWorkstreams(): PlatformResult<Workstream[]>;
  listBreakers(): PlatformResult<CircuitBreaker[]>;

  restartRuntime(runtimeId: string, call: ActionCall): PlatformResult<Runtime>;
  cancelLoop(loopId: string, reason: string, call: ActionCall): PlatformResult<AgenticLoop>;
  /** Raises the routine's limit by `amountUsd` and unpauses it. */
  grantBudgetOverride(routineId: string, amountUsd: number, call: ActionCall): PlatformResult<Routine>;
  restartMcpServer(serverId: string, call: ActionCall): PlatformResult<McpServer>;
  resetCircuitBreaker(breakerId: string, call: ActionCall): PlatformResult<{ id: string; state: 'closed' }>;
  retryTask(taskId: string, options: { timeoutSeconds?: number }, call: ActionCall): PlatformResult<Task>;
  skipTask(taskId: string, reason: string, call: ActionCall): PlatformResult<Task>;
  restartWorker(workerId: string, options: { force?: boolean }, call: ActionCall): PlatformResult<{ worker: Worker; reassignedTaskIds: string[] }>;
  /** To the last checkpoint: running tasks cancelled, failed ones pending again, completed ones kept. */
  rollbackWorkstream(workstreamId: string, call: ActionCall): PlatformResult<WorkstreamRollback>;
  /**
   * Every other recovery operation (src/platform/operations/index.ts): one declaration each,
   * served and sent the same way, so adding one does not mean adding a method everywhere.
   */
  perform<N extends OperationName>(name: N, targetId: string, body: OperationBody<N>, call: ActionCall): PlatformResult<OperationAnswer<N>>;
}
