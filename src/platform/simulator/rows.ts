import type { InferSelectModel } from 'drizzle-orm';
import type {
  platformBreakers,
  platformLoops,
  platformMcpServers,
  platformProviders,
  platformRoutines,
  platformRuntimes,
  platformTasks,
  platformWorkers,
  platformWorkstreams,
} from '../../db/schema/index.js';
import { AgenticLoop, CircuitBreaker, McpServer, Provider, Routine, Runtime, Task, Worker, Workstream } from '../port.js';
import { iso } from './context.js';

/**
 * Rows read back are parsed with the port's schemas (docs/architecture.md, conventions §5): status columns are plain text,
 * so a value the port does not know fails here, loudly, rather than in a chat card. The schemas
 * also strip simulator-only columns (restart bookkeeping, skip reasons) from what callers see.
 */
export const toRuntime = (row: InferSelectModel<typeof platformRuntimes>): Runtime =>
  Runtime.parse({ ...row, lastHeartbeatAt: iso(row.lastHeartbeatAt) });

export const toLoop = (row: InferSelectModel<typeof platformLoops>): AgenticLoop =>
  AgenticLoop.parse({ ...row, startedAt: row.startedAt.toISOString() });

export const toRoutine = (row: InferSelectModel<typeof platformRoutines>): Routine => Routine.parse(row);

export const toMcpServer = (row: InferSelectModel<typeof platformMcpServers>): McpServer => McpServer.parse(row);

export const toProvider = (row: InferSelectModel<typeof platformProviders>): Provider => Provider.parse(row);

export const toWorker = (row: InferSelectModel<typeof platformWorkers>): Worker =>
  Worker.parse({ ...row, lastHeartbeatAt: iso(row.lastHeartbeatAt) });

export const toTask = (row: InferSelectModel<typeof platformTasks>): Task => Task.parse(row);

export const toWorkstream = (row: InferSelectModel<typeof platformWorkstreams>): Workstream => Workstream.parse(row);

export const toBreaker = (row: InferSelectModel<typeof platformBreakers>): CircuitBreaker => CircuitBreaker.parse(row);
