import { asc } from 'drizzle-orm';
import {
  platformBreakers,
  platformEmployees,
  platformLoops,
  platformMcpServers,
  platformProviders,
  platformRoutines,
  platformRuntimes,
  platformTasks,
  platformWorkers,
  platformWorkstreams,
} from '../../db/schema/index.js';
import { ok } from '../../result.js';
import { Employee, type Platform } from '../port.js';
import { guard, type SimContext } from './context.js';
import { toBreaker, toLoop, toMcpServer, toProvider, toRoutine, toRuntime, toTask, toWorker, toWorkstream } from './rows.js';

type Reads = Pick<
  Platform,
  | 'listEmployees'
  | 'listRuntimes'
  | 'listLoops'
  | 'listRoutines'
  | 'listMcpServers'
  | 'listProviders'
  | 'listWorkers'
  | 'listTasks'
  | 'listWorkstreams'
  | 'listBreakers'
>;

/** Every list has a stable order (loops by start, the rest by id): two reads of an unchanged workspace compare equal. */
export function createReads({ database }: SimContext): Reads {
  const db = database.db;
  return {
    listEmployees: () =>
      guard('list employees', async () =>
        ok((await db.select().from(platformEmployees).orderBy(asc(platformEmployees.id))).map((r) => Employee.parse(r))),
      ),
    listRuntimes: () =>
      guard('list runtimes', async () =>
        ok((await db.select().from(platformRuntimes).orderBy(asc(platformRuntimes.id))).map(toRuntime)),
      ),
    listLoops: () =>
      guard('list agentic loops', async () =>
        ok((await db.select().from(platformLoops).orderBy(asc(platformLoops.startedAt), asc(platformLoops.id))).map(toLoop)),
      ),
    listRoutines: () =>
      guard('list routines', async () =>
        ok((await db.select().from(platformRoutines).orderBy(asc(platformRoutines.id))).map(toRoutine)),
      ),
    listMcpServers: () =>
      guard('list MCP servers', async () =>
        ok((await db.select().from(platformMcpServers).orderBy(asc(platformMcpServers.id))).map(toMcpServer)),
      ),
    listProviders: () =>
      guard('list providers', async () =>
        ok((await db.select().from(platformProviders).orderBy(asc(platformProviders.id))).map(toProvider)),
      ),
    listWorkers: () =>
      guard('list workers', async () =>
        ok((await db.select().from(platformWorkers).orderBy(asc(platformWorkers.id))).map(toWorker)),
      ),
    listTasks: () =>
      guard('list tasks', async () => ok((await db.select().from(platformTasks).orderBy(asc(platformTasks.id))).map(toTask))),
    listWorkstreams: () =>
      guard('list workstreams', async () =>
        ok((await db.select().from(platformWorkstreams).orderBy(asc(platformWorkstreams.id))).map(toWorkstream)),
      ),
    listBreakers: () =>
      guard('list circuit breakers', async () =>
        ok((await db.select().from(platformBreakers).orderBy(asc(platformBreakers.id))).map(toBreaker)),
      ),
  };
}
