import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { createHttpServer } from '../../src/http/server.js';
import { alertRoutes } from '../../src/intake/alert-routes.js';
import { intakeRoutes } from '../../src/intake/routes.js';
import { AlertsConfig, createRoutingKeyLookup } from '../../src/intake/alert-sources.js';
import { createEventWriter, type EventWriter } from '../../src/intake/event-writer.js';
import { createIngestAuth } from '../../src/intake/ingest-token.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { openTestDatabase, type DatabaseKind, type TestDatabase } from '../support/databases.js';
import { TEST_TOKEN } from '../support/triage.js';

export type AlertIntake = {
  url: string;
  database: TestDatabase;
  writer: EventWriter;
  post(path: string, body: unknown, init?: { token?: string | null; contentType?: string; raw?: string }): Promise<Response>;
  /** Rows stored from `source`, oldest first. */
  rows(source: string): Promise<StoredRow[]>;
  close(): Promise<void>;
};
export type StoredRow = { type: string; event_key: string; occurred_at: Date; attributes: Record<string, unknown> };

/**
 * The alert routes (src/intake/alert-routes.ts) on a real HTTP server over a real database and
 * event writer, composed as src/app.ts composes the intake: the same router, server, writer and
 * ingest token, with `sources` as the `alerts:` section of the config.
 */
export async function startAlertIntake(kind: DatabaseKind, sources: unknown[] = [], maxBodyBytes = 64 * 1024): Promise<AlertIntake> {
  const database = await openTestDatabase(kind);
  const writer = createEventWriter(database, { maxRowsPerFlush: 4000 });
  const metrics = createMetrics();
  const logger = pino({ level: 'silent' });
  const auth = createIngestAuth({ current: TEST_TOKEN }, () => {});
  const routingKeys = createRoutingKeyLookup(AlertsConfig.parse({ sources }).sources, auth);
  const deps = { writer, auth, metrics, logger, maxBodyBytes, maxEventsPerBatch: 5000 };
  const routes = [...intakeRoutes(deps), ...alertRoutes({ ...deps, routingKeys })];
  const http = createHttpServer(routes, { metrics, logger });
  const { url } = await http.listen(0, '127.0.0.1');
  return {
    url,
    database,
    writer,
    post: (path, body, init = {}) => {
      const headers: Record<string, string> = { 'content-type': init.contentType ?? 'application/json' };
      const token = init.token === undefined ? TEST_TOKEN : init.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      return fetch(url + path, { method: 'POST', headers, body: init.raw ?? JSON.stringify(body) });
    },
    rows: async (source) => {
      await writer.drain();
      return database.query<StoredRow>(sql`select type, event_key, occurred_at, attributes from events where source = ${source} order by seq`);
    },
    close: async () => {
      await http.close(1000);
      await writer.drain();
      metrics.stop();
      await database.drop();
    },
  };
}
