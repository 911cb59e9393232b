import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { healthRoutes } from './http/health-routes.js';
import type { Route } from './http/router.js';
import { createHttpServer } from './http/server.js';
import { createEventWriter, type EventWriter } from './intake/event-writer.js';
import { resolveIngestToken } from './intake/ingest-token.js';
import { intakeRoutes } from './intake/routes.js';
import { createLogger, redactUrl } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';

export type RunningTriage = {
  url: string;
  port: number;
  ingestToken: string;
  /** True when the token was generated or read from the data directory rather than configured. */
  ingestTokenFromDataDir: boolean;
  database: Database;
  writer: EventWriter;
  metrics: Metrics;
  logger: Logger;
  stop(): Promise<void>;
};

export type StartOptions = { logger?: Logger; database?: Database };

/**
 * Wires one Triage instance: database, intake, platform, HTTP. main.ts adds process concerns
 * (signals, banner); tests call this directly with port 0 to run the real thing in-process.
 */
export async function startTriage(config: Config, options: StartOptions = {}): Promise<RunningTriage> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const { token, generated } = resolveIngestToken(config.ingestToken, config.dataDir);
  const database = options.database ?? (await openConfiguredDatabase(config, logger));
  await database.migrate();

  const metrics = createMetrics();
  const writer = createEventWriter(database, { maxRowsPerFlush: config.intake.maxRowsPerFlush });
  let stopping = false;

  const routes: Route[] = [
    ...healthRoutes({ database, metrics, isStopping: () => stopping }),
    ...intakeRoutes({
      writer,
      token,
      metrics,
      logger,
      maxBodyBytes: config.intake.maxBodyBytes,
      maxEventsPerBatch: config.intake.maxEventsPerBatch,
    }),
  ];
  const http = createHttpServer(routes, { metrics, logger });
  const { url, port } = await http.listen(config.port, config.host);
  logger.info({ url, database: database.kind }, 'triage listening');

  return {
    url,
    port,
    ingestToken: token,
    ingestTokenFromDataDir: !config.ingestToken || generated,
    database,
    writer,
    metrics,
    logger,
    stop: async () => {
      if (stopping) return;
      stopping = true;
      await http.close(8_000);
      await writer.drain();
      metrics.stop();
      if (!options.database) await database.close();
    },
  };
}

async function openConfiguredDatabase(config: Config, logger: Logger): Promise<Database> {
  if (config.databaseUrl) {
    logger.info({ target: redactUrl(config.databaseUrl) }, 'using PostgreSQL');
    return openDatabase({ kind: 'postgres', url: config.databaseUrl });
  }
  const dataDir = join(config.dataDir, 'pgdata');
  logger.info({ dataDir }, 'using embedded PGlite (set DATABASE_URL for PostgreSQL)');
  return openDatabase({ kind: 'pglite', dataDir });
}
