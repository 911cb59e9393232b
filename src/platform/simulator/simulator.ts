import type { Database } from '../../db/client.js';
import type { TypedEvent } from '../../events/vocabulary.js';
import type { StoredEvent } from '../../intake/event-writer.js';
import { ok } from '../../result.js';
import { z } from 'zod';
import { OPERATIONS, type OperationAnswer, type OperationBody, type OperationName } from '../operations/index.js';
import type { ActionCall, Platform, PlatformResult } from '../port.js';
import { createRemedies, type Handler } from './remedies/index.js';
import { repeatRoutingReports } from './remedies/routing-reports.js';
import { applyEvents } from './apply-events.js';
import { createPublisher, fail, type SimContext } from './context.js';
import { createIdempotency, type ActionName, type KeyOptional } from './idempotency.js';
import { createOpsActions } from './ops-actions.js';
import { createReads } from './reads.js';
import { createRuntimeRestarts } from './runtime-restart.js';
import { seedWorkspace } from './seed-workspace.js';
import { createWorkActions } from './work-actions.js';
import { createWorkerRestart } from './worker-restart.js';
import { createWorkstreamRollback } from './workstream-rollback.js';

export type Simulator = Omit<Platform, ActionName | 'perform'> & KeyOptional<ActionName> & {
  perform<N extends OperationName>(name: N, targetId: string, body: OperationBody<N>, call?: ActionCall): PlatformResult<OperationAnswer<N>>;
  /** Folds events that arrived through the intake into the model (see apply-events.ts). */
  applyEvents(events: StoredEvent[]): Promise<void>;
  /** Stops pending timers; state stays in the database and the next start picks it up. */
  close(): void;
};

export type SimulatorDeps = {
  database: Database;
  /** Where the simulated platform's own events go: the intake, exactly like a real platform's. */
  emit: (events: TypedEvent[]) => Promise<void>;
  now?: () => Date;
  /** How long a restarted runtime takes to send its first heartbeat. */
  restartHeartbeatDelayMs?: number;
  /** Told about failures that have no caller to answer (a timer's heartbeat, a failed emit). */
  onError?: (error: unknown, context: string) => void;
};

export const DEFAULT_RESTART_HEARTBEAT_DELAY_MS = 1_500;
const REPORT_REPEAT_MS = 60 * 60_000;

/**
 * The embedded platform: the seed workspace in the database, actions that behave like the real
 * thing (a restart takes a moment and then heartbeats), and the intake's events folded back in.
 * Expects a migrated database; seeds it on the first start only.
 */
export async function createSimulator(deps: SimulatorDeps): Promise<Simulator> {
  const now = deps.now ?? (() => new Date());
  const onError = deps.onError ?? (() => {});
  const ctx: SimContext = { database: deps.database, now, publish: createPublisher(deps.emit, onError) };

  await seedWorkspace(deps.database.db, now());
  const restarts = createRuntimeRestarts(ctx, {
    delayMs: deps.restartHeartbeatDelayMs ?? DEFAULT_RESTART_HEARTBEAT_DELAY_MS,
    onError,
  });
  await restarts.resumePending();
  // States that outlast the insights' six-hour window (a seven-day probation, a failover) are
  // reported again at start and hourly, as a platform does while they last (./remedies/routing-reports.ts).
  const repeat = () => void repeatRoutingReports(ctx).catch((error: unknown) => onError(error, 'repeating routing reports'));
  repeat();
  const repeating = setInterval(repeat, REPORT_REPEAT_MS);
  repeating.unref();

  const once = createIdempotency(ctx);
  const work = createWorkActions(ctx);
  const ops = createOpsActions(ctx);
  const workers = createWorkerRestart(ctx);
  const workstreams = createWorkstreamRollback(ctx);
  const remedies = createRemedies(ctx);
  const request = (operation: string, target: string, body: unknown = {}) => ({ operation, target, body });

  return {
    ...createReads(ctx),
    capabilities: async () => ok({ idempotencyKeys: true }),
    restartRuntime: (id, call) => once(call, request('restart', `runtime ${id}`), () => restarts.restartRuntime(id)),
    cancelLoop: (id, reason, call) => once(call, request('cancel', `loop ${id}`, { reason }), () => work.cancelLoop(id, reason)),
    retryTask: (id, options = {}, call) => once(call, request('retry', `task ${id}`, options), () => work.retryTask(id, options)),
    skipTask: (id, reason, call) => once(call, request('skip', `task ${id}`, { reason }), () => work.skipTask(id, reason)),
    grantBudgetOverride: (id, amountUsd, call) => once(call, request('budget-override', `routine ${id}`, { amountUsd }), () => ops.grantBudgetOverride(id, amountUsd)),
    restartMcpServer: (id, call) => once(call, request('restart', `MCP server ${id}`), () => ops.restartMcpServer(id)),
    resetCircuitBreaker: (id, call) => once(call, request('reset', `breaker ${id}`), () => ops.resetCircuitBreaker(id)),
    restartWorker: (id, options = {}, call) => once(call, request('restart', `worker ${id}`, options), () => workers.restartWorker(id, options)),
    rollbackWorkstream: (id, call) => once(call, request('rollback', `workstream ${id}`), () => workstreams.rollbackWorkstream(id)),
    perform: (name, id, body, call) => {
      const spec = OPERATIONS[name];
      const parsed = spec.body.safeParse(body ?? {});
      if (!parsed.success) return Promise.resolve(fail('invalid_input', z.prettifyError(parsed.error)));
      const handler = remedies[name] as Handler<typeof name>;
      return once(call, request(name, `${spec.collection} ${id}`, parsed.data), () => handler(id, parsed.data as never)) as never;
    },
    applyEvents: (events) => applyEvents(deps.database.db, events, now),
    close: () => {
      clearInterval(repeating);
      restarts.close();
    },
  };
}
