import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { reasonOf } from '../db/error-reason.js';
import type { Metrics } from '../observability/metrics.js';
import { sendJson } from './respond.js';
import type { Route } from './router.js';

export type Readiness = { ready: true } | { ready: false; reason: string };

/** Ready means: the database answers within 2 s and every committed migration is applied. */
export async function checkReadiness(database: Database, timeoutMs = 2000): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, reason: `database did not answer within ${timeoutMs} ms` }), timeoutMs);
  });
  const probe = (async (): Promise<Readiness> => {
    try {
      await database.query(sql`select 1`);
      const { applied, expected } = await database.migrationStatus();
      if (applied < expected) return { ready: false, reason: `database not migrated: ${applied} of ${expected} migrations applied` };
      return { ready: true };
    } catch (error) {
      // The driver's own words ("connect ECONNREFUSED …"), not drizzle's "Failed query: select 1".
      return { ready: false, reason: `database unreachable: ${reasonOf(error)}` };
    }
  })();
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(deps: { database: Database; metrics: Metrics; isStopping: () => boolean }): Route[] {
  return [
    { method: 'GET', path: '/healthz', handler: (_req, res) => sendJson(res, 200, { status: 'ok' }) },
    {
      method: 'GET',
      path: '/readyz',
      handler: async (_req, res) => {
        if (deps.isStopping()) return sendJson(res, 503, { status: 'not_ready', reason: 'shutting down' });
        const readiness = await checkReadiness(deps.database);
        if (readiness.ready) return sendJson(res, 200, { status: 'ready' });
        sendJson(res, 503, { status: 'not_ready', reason: readiness.reason });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handler: async (_req, res) => {
        const text = await deps.metrics.registry.metrics();
        res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
        res.end(text);
      },
    },
  ];
}
