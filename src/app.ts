import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Actor } from './actor.js';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { healthRoutes } from './http/health-routes.js';
import type { Route } from './http/router.js';
import { createHttpServer } from './http/server.js';
import { createEventWriter, type EventWriter } from './intake/event-writer.js';
import { resolveIngestToken } from './intake/ingest-token.js';
import { intakeRoutes } from './intake/routes.js';
import { createLogger, redactUrl } from './observability/logger.js';
import { withTimeout } from './resilience/timeout.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { checkEvent } from './events/envelope.js';
import type { TypedEvent } from './events/vocabulary.js';
import { createHttpPlatform } from './platform/http-client.js';
import type { Platform } from './platform/port.js';
import { platformRoutes } from './platform/rest-routes.js';
import { createSimulator, type Simulator } from './platform/simulator/simulator.js';
import { checkThresholds, startCopilot, type Copilot } from './copilot.js';
import type { ChatPlatform, ChatPort } from './chat/port.js';
import type { ChatAdapterFactory } from './chat/adapter.js';
import { pendingBudgetOverrides } from './approvals/list.js';
import { buildChecks } from './doctor/checks/index.js';
import { incidentRoutes } from './incidents/routes.js';
import { findScenario } from './platform/scenarios/index.js';
import { playScenario } from './platform/scenarios/player.js';

export type RunningTriage = {
  url: string;
  port: number;
  ingestToken: string;
  /** True when the token was generated or read from the data directory rather than configured. */
  ingestTokenFromDataDir: boolean;
  database: Database;
  writer: EventWriter;
  platform: Platform;
  /** The embedded simulator, when no PLATFORM_URL is configured. */
  simulator?: Simulator;
  copilot: Copilot;
  metrics: Metrics;
  logger: Logger;
  stop(): Promise<void>;
};

export type StartOptions = {
  logger?: Logger;
  database?: Database;
  /** Chat adapters built by the composition root (src/main.ts): the console, later Slack. */
  adapters?: ChatAdapterFactory[];
  /** Bare chat ports with no inbound side (tests pass fakes standing in for Slack's far side). */
  chatPorts?: ChatPort[];
};

/**
 * Wires one Triage instance: database, intake, platform, HTTP. main.ts adds process concerns
 * (signals, banner); tests call this directly with port 0 to run the real thing in-process.
 */
export async function startTriage(config: Config, options: StartOptions = {}): Promise<RunningTriage> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const thresholds = checkThresholds(config.insights.thresholds);
  if (!thresholds.ok) throw new Error(`Invalid configuration:\n  - ${thresholds.error.join('\n  - ')}`);
  const { token, generated } = resolveIngestToken(config.ingestToken, config.dataDir);
  const database = options.database ?? (await openConfiguredDatabase(config, logger));
  await database.migrate();

  const metrics = createMetrics();
  const writer = createEventWriter(database, { maxRowsPerFlush: config.intake.maxRowsPerFlush });
  let stopping = false;
  const { platform, simulator, applied } = await connectPlatform(config, database, writer, logger);
  const adapters = await Promise.all((options.adapters ?? []).map((create) => create({ database, logger })));
  const ports = new Map<ChatPlatform, ChatPort>([...adapters.map((a) => a.port), ...(options.chatPorts ?? [])].map((p) => [p.platform, p]));
  const chatProbes = adapters.flatMap((a) => (a.probe ? [a.probe] : []));
  const doctorChecks = buildChecks({ config, database, platform, chatProbes, pendingOverrides: () => pendingBudgetOverrides(database.db) });
  const groupLookups = adapters.flatMap((a) => (a.groupsOf ? [a.groupsOf] : []));
  // Each adapter answers for its own platform's users and gives [] for everyone else's.
  const groupsOf = async (actor: Actor) => (await Promise.all(groupLookups.map((lookup) => lookup(actor)))).flat();
  const copilot = await startCopilot({ config, database, platform, writer, ports, metrics, logger, doctorChecks, groupsOf });
  let selfUrl = '';
  const startScenario = async (name: string): Promise<void> => {
    const scenario = findScenario(name);
    if (!scenario) throw new Error(`no scenario named ${name}`);
    const played = await playScenario({ scenario, url: selfUrl, token, speed: 1 });
    if (!played.ok) logger.error({ scenario: name, error: played.error.message }, 'scenario did not finish');
  };
  const adapterContext = { interactions: copilot.interactions, platform, logger, channels: [config.routing.defaultChannel], startScenario };

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
    ...(simulator ? platformRoutes(simulator, { token }) : []),
    ...incidentRoutes({ desk: copilot.incidents, token }),
    ...adapters.flatMap((a) => a.routes(adapterContext)),
  ];
  const http = createHttpServer(routes, { metrics, logger });
  const { url, port } = await http.listen(config.port, config.host);
  selfUrl = url;
  logger.info({ url, database: database.kind }, 'triage listening');

  return {
    url,
    port,
    ingestToken: token,
    ingestTokenFromDataDir: !config.ingestToken || generated,
    database,
    writer,
    platform,
    simulator,
    copilot,
    metrics,
    logger,
    stop: async () => {
      if (stopping) return;
      stopping = true;
      // A socket's closing handshake gets a moment, never the whole shutdown budget.
      await Promise.all(adapters.map((adapter) => withTimeout(async () => adapter.close(), 2_000, { label: 'closing a chat adapter' }).catch((error: unknown) => logger.warn({ err: error }, 'a chat adapter did not close in time'))));
      await http.close(8_000);
      simulator?.close();
      await writer.drain();
      // The simulator's model must not be half-updated when the database closes under it.
      await applied?.();
      await copilot.stop();
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

/**
 * A real platform over HTTP when PLATFORM_URL is set; otherwise the embedded simulator, whose
 * own events (a restarted runtime's heartbeat) enter through the same writer as everyone's, and
 * which folds every stored event back into its model so scenarios change its state.
 */
async function connectPlatform(
  config: Config,
  database: Database,
  writer: EventWriter,
  logger: Logger,
): Promise<{ platform: Platform; simulator?: Simulator; applied?: () => Promise<void> }> {
  if (config.platformUrl) {
    logger.info({ platformUrl: config.platformUrl }, 'using the platform at PLATFORM_URL');
    return { platform: createHttpPlatform({ baseUrl: config.platformUrl, token: config.platformToken }) };
  }
  const emit = async (events: TypedEvent[]): Promise<void> => {
    const accepted = events.flatMap((e, i) => {
      const checked = checkEvent(e, i);
      return checked.ok ? [checked.event] : [];
    });
    if (accepted.length !== events.length) logger.error({ events: events.map((e) => e.type) }, 'simulator emitted an invalid event');
    await writer.write(accepted);
  };
  const simulator = await createSimulator({
    database,
    emit,
    restartHeartbeatDelayMs: config.simulator.restartHeartbeatDelayMs,
    onError: (error, context) => logger.error({ err: error, context }, 'simulator error'),
  });
  // Applied one batch at a time, in commit order: two overlapping applies could let an older
  // batch's state land after a newer one's.
  let applying = Promise.resolve();
  writer.onStored((events) => {
    applying = applying
      .then(() => simulator.applyEvents(events))
      .catch((error: unknown) => logger.error({ err: error }, 'simulator could not apply events'));
  });
  return { platform: simulator, simulator, applied: () => applying };
}
