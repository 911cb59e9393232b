import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { outboxCardSink } from './actions/card-sink.js';
import { actsOnInsight } from './actions/insight-acts.js';
import { createActionDesk, type ActionDesk } from './actions/setup.js';
import { sweepOverdueActions } from './actions/watchdog.js';
import type { Actor } from './actor.js';
import { pendingBudgetOverrides } from './approvals/list.js';
import { authoriserFromConfig } from './auth/from-config.js';
import type { ChatAdapterFactory } from './chat/adapter.js';
import type { Interactions } from './chat/interactions.js';
import { createOutbox, type Outbox } from './chat/outbox/index.js';
import type { ChatPlatform, ChatPort } from './chat/port.js';
import { createChatEntry } from './chat-entry.js';
import { createPendingWork } from './chat/pending-work.js';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { buildChecks } from './doctor/checks/index.js';
import type { Doctor } from './doctor/service.js';
import { startDoctor } from './doctor/setup.js';
import { createHome, type Home } from './home/service.js';
import { createThreadNotes } from './incidents/thread-notes.js';
import { healthRoutes } from './http/health-routes.js';
import type { Route } from './http/router.js';
import { createHttpServer } from './http/server.js';
import type { IncidentDesk } from './incidents/desk.js';
import { incidentRoutes } from './incidents/routes.js';
import { createIncidents, createTickets } from './incidents/setup.js';
import { catalog, findEntry } from './insights/catalog/index.js';
import { createEvaluator, type Evaluator } from './insights/evaluator.js';
import { createInsightLifecycle, type InsightLifecycle, type Publisher } from './insights/lifecycle.js';
import { createInsightPublisher } from './insights/publish.js';
import { checkThresholds } from './insights/thresholds.js';
import { createEventWriter, type EventWriter } from './intake/event-writer.js';
import { createIngestAuth, resolveIngestToken } from './intake/ingest-token.js';
import { intakeRoutes } from './intake/routes.js';
import { alertRoutes } from './intake/alert-routes.js';
import { createRoutingKeyLookup } from './intake/alert-sources.js';
import { createAlertResolver } from './alerts/resolver.js';
import { startGenAiSignals } from './genai/job.js';
import { recordCalls } from './genai/store.js';
import { otlpRoutes } from './intake/otlp/route.js';
import { createScheduler, type Scheduler } from './jobs/scheduler.js';
import { createLogger, redactUrl } from './observability/logger.js';
import { createHeartbeat } from './observability/heartbeat.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { createPreviousSecretRecorder } from './observability/previous-secret.js';
import { connectPlatform } from './platform/connect.js';
import type { Platform } from './platform/port.js';
import { platformRoutes } from './platform/rest-routes.js';
import { createPruner, type Pruner } from './retention/pruner.js';
import { findScenario } from './platform/scenarios/index.js';
import { playScenario } from './platform/scenarios/player.js';
import type { Simulator } from './platform/simulator/simulator.js';
import { createRemediation } from './remediation/setup.js';
import { withTimeout } from './resilience/timeout.js';
import { startPresence } from './cluster/presence.js';

/** How often a replica looks for acknowledged chat work whose replica died (its lease ran out). */
const RESUME_CRON = '*/10 * * * * *';

export type RunningTriage = {
  url: string;
  port: number;
  /** Names this process in leases, scheduled jobs and logs. */
  replicaId: string;
  ingestToken: string;
  /** True when the token was generated or read from the data directory rather than configured. */
  ingestTokenFromDataDir: boolean;
  database: Database;
  writer: EventWriter;
  platform: Platform;
  /** The embedded simulator, when no PLATFORM_URL is configured. */
  simulator?: Simulator;
  evaluator: Evaluator;
  pruner: Pruner;
  outbox: Outbox;
  lifecycle: InsightLifecycle;
  interactions: Interactions;
  scheduler: Scheduler;
  doctor: Doctor;
  home: Home;
  actions: ActionDesk;
  incidents: IncidentDesk;
  metrics: Metrics;
  logger: Logger;
  stop(): Promise<void>;
};

export type StartOptions = {
  logger?: Logger;
  database?: Database;
  /** Chat adapters built by src/main.ts: the console, Slack, Discord. */
  adapters?: ChatAdapterFactory[];
  /** Bare chat ports with no inbound side (tests pass fakes standing in for Slack's far side). */
  chatPorts?: ChatPort[];
  /** Overrides the leader lease's timings (tests of takeover). */
  leadership?: Parameters<typeof createEvaluator>[0]['leadership'];
  /** Overrides the Home tab's refresh timings (tests of its throttle). */
  home?: Parameters<typeof createHome>[0]['options'];
};

/**
 * The composition root: every part of one Triage instance is built here, in dependency order,
 * each from the parts above it; nothing is bound late. main.ts adds what belongs to the process
 * (picking adapters from config, signals, the banner); tests call this with port 0 to run the
 * real thing in-process. docs/architecture.md walks a Restart click through these parts.
 */
export async function startTriage(config: Config, options: StartOptions = {}): Promise<RunningTriage> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const thresholds = checkThresholds(config.insights.thresholds);
  if (!thresholds.ok) throw new Error(`Invalid configuration:\n  - ${thresholds.error.join('\n  - ')}`);
  const { token, generated } = resolveIngestToken(config.ingestToken, config.dataDir);
  const database = options.database ?? (await openConfiguredDatabase(config, logger));
  logger.info({ migrations: await database.migrate() }, 'database schema is up to date');
  const replicaId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  // Before anything evaluates: a downtime that just ended must be on record for the first pass.
  const presence = startPresence({ database, replicaId, beatMs: config.insights.presenceBeatSeconds * 1_000, logger });
  await presence.beat();
  const metrics = createMetrics();
  // Rotation: a secret's previous value is accepted too, and each use counted (README, "Rotating secrets").
  const previousSecretUsed = createPreviousSecretRecorder({
    metrics,
    logger,
    configured: [...(config.ingestTokenPrevious ? (['ingest_token'] as const) : []), ...(config.slack.signingSecretPrevious ? (['slack_signing_secret'] as const) : [])],
  });
  const ingestAuth = createIngestAuth({ current: token, previous: config.ingestTokenPrevious }, () => previousSecretUsed('ingest_token'));
  let stopping = false;

  // Intake and the platform.
  const writer = createEventWriter(database, { maxRowsPerFlush: config.intake.maxRowsPerFlush });
  const connected = await connectPlatform(config, database, writer, logger);
  const { platform, simulator } = connected;

  // Chat: adapters, their ports, the outbox every card goes through.
  // Acknowledged chat work on record, so another replica finishes what a dead one acked.
  const work = createPendingWork(database, { owner: replicaId, logger });
  const adapters = await Promise.all((options.adapters ?? []).map((create) => create({ database, logger, work })));
  const ports = new Map<ChatPlatform, ChatPort>([...adapters.map((a) => a.port), ...(options.chatPorts ?? [])].map((p) => [p.platform, p]));
  const platforms = () => [...ports.keys()];
  const outbox = createOutbox({ database, ports, options: config.outbox, logger });
  metrics.watchOutbox(() => outbox.stats());
  const showCard = outboxCardSink(outbox, platforms);

  // Who may press what; then incidents, then the actions that mirror into an incident's thread.
  const groupLookups = adapters.flatMap((a) => (a.groupsOf ? [a.groupsOf] : []));
  // Each adapter answers for its own platform's users and gives [] for everyone else's.
  const groupsOf = async (actor: Actor) => (await Promise.all(groupLookups.map((lookup) => lookup(actor)))).flat();
  const authoriser = authoriserFromConfig({ config, platform, groupsOf, logger });
  const scheduler = createScheduler({ database, logger, replicaId });
  const tickets = createTickets(config, database, logger);
  const incidents = createIncidents({ config, database, showCard, scheduler, authoriser, tickets, logger });
  // Insight cards are drawn with what was done from them, so the actions redraw the card pressed.
  const insightCards = createInsightPublisher({ db: database.db, platforms, routing: config.routing, findEntry, actsOf: actsOnInsight, kick: () => outbox.kick() });
  const alerts = createAlertResolver(database, writer);
  const actions = createActionDesk({ config, database, platform, authoriser, showCard, showInsight: insightCards.show, mirror: incidents.mirror, tickets, alerts, logger });
  // Remediation policies and the restart bound (src/remediation/): after publication, and after a click's claim.
  const remediation = createRemediation({ config, database, replicaId, runner: actions.recovery, platforms, kick: () => outbox.kick(), logger });
  const chatActions: ActionDesk = { ...actions, recovery: { ...actions.recovery, click: (input) => actions.recovery.click(input, remediation.clicks) } };
  scheduler.schedule('actions-watchdog', config.insights.tickCron, () => sweepOverdueActions({ db: database.db, runner: actions.recovery, platform: actions.platform, now: Date.now, logger }));
  // An approval decided by a replica that died before carrying it out is finished once, here.
  scheduler.schedule('approvals-resume', config.insights.tickCron, () => actions.approvals.resumeInterrupted());
  // OpenTelemetry GenAI rollups become agent signals, once across replicas (src/genai/job.ts).
  startGenAiSignals({ database, writer, scheduler, config: config.genai });

  // Insights: one evaluation for the whole deployment, on the replica holding the lease.
  const publisher: Publisher = async (insights) => {
    await insightCards.publish(insights);
    // An exhausted budget asks for its override and a cascade opens an incident; a failure in
    // either must not hold back the cards.
    await actions.approvals.fromInsights(insights).catch((error: unknown) => logger.error({ err: error }, 'could not ask for a budget override'));
    await incidents.onInsights(insights).catch((error: unknown) => logger.error({ err: error }, 'could not correlate insights into an incident'));
    // Last: a policy's action redraws the cards just published, and an incident is open to mirror it.
    await remediation.onInsights(insights).catch((error: unknown) => logger.error({ err: error }, 'could not apply remediation policies'));
  };
  const lifecycle = createInsightLifecycle({ database, publisher, suppressMinutes: config.insights.suppressMinutes });
  const evaluator = createEvaluator({
    database,
    platform,
    catalog,
    lifecycle,
    thresholds: config.insights.thresholds,
    tickCron: config.insights.tickCron,
    holder: replicaId,
    logger,
    alsoFollow: connected.follow ? [connected.follow] : [],
    onRuleFailure: (kind) => metrics.insightRuleFailures.inc({ kind }),
    onEvaluated: ({ rulesSeconds, reconcileSeconds }) => {
      metrics.insightEvaluationSeconds.observe({ phase: 'rules' }, rulesSeconds);
      metrics.insightEvaluationSeconds.observe({ phase: 'reconcile' }, reconcileSeconds);
    },
    ...(options.leadership ? { leadership: options.leadership } : {}),
  });
  writer.onStored((events, tx) => evaluator.stored(events, tx));
  // Triage's own dead-man's switch: the leader pings a checker every minute (src/observability/heartbeat.ts).
  const heartbeat = createHeartbeat({ config: config.heartbeat, replicaId, leading: () => evaluator.leading(), logger, onOutcome: (outcome) => metrics.heartbeatSent.inc({ outcome }) });
  // Retention: the leader deletes rows past their age, in small batches (src/retention/).
  const pruner = createPruner({
    database,
    config: config.retention,
    leading: () => evaluator.leading(),
    logger,
    onDeleted: (policy, rows) => metrics.retentionDeleted.inc({ policy }, rows),
  });
  metrics.watchEvaluator(async () => {
    const status = await evaluator.status();
    return { leading: status.leading, lagSeconds: status.lagSeconds };
  });

  // Doctor, then what chat adapters call: commands and buttons over the use cases.
  const chatProbes = adapters.flatMap((a) => (a.probe ? [a.probe] : []));
  const checks = buildChecks({
    config,
    database,
    platform,
    chatProbes,
    pendingOverrides: () => pendingBudgetOverrides(database.db),
    evaluator: () => evaluator.status(),
    platformBreaker: actions.platform.breaker,
  });
  const doctor = startDoctor({ config, database, checks, scheduler, outbox, platforms });
  const interactions = createChatEntry({ config, database, doctor, actions: chatActions, incidents, lifecycle, logger });
  // The Home overview: published on open by any replica, refreshed on change by the leader only.
  const homeSurfaces = adapters.flatMap((a) => (a.home ? [a.home] : []));
  const home = createHome({ db: database.db, authoriser, surfaces: homeSurfaces, leading: () => evaluator.leading(), logger, ...(options.home ? { options: options.home } : {}) });
  const answerers = new Map(adapters.flatMap((a) => (a.answerLater ? [[a.port.platform, a.answerLater] as const] : [])));
  scheduler.schedule('chat-work-resume', RESUME_CRON, () =>
    work.resumeOrphans(interactions, async (platform, address, reply) => {
      const answer = answerers.get(platform as ChatPlatform);
      if (answer) await answer(address, reply);
    }),
  );

  // HTTP: health, intake, the simulator's REST face, incidents, and each adapter's entry points.
  let selfUrl = '';
  const startScenario = async (name: string): Promise<void> => {
    const scenario = findScenario(name);
    if (!scenario) throw new Error(`no scenario named ${name}`);
    const played = await playScenario({ scenario, url: selfUrl, token, speed: 1 });
    if (!played.ok) logger.error({ scenario: name, error: played.error.message }, 'scenario did not finish');
  };
  const adapterContext = { interactions, platform, logger, channels: [config.routing.defaultChannel], ...(config.platformUrl ? {} : { startScenario }), previousSecretUsed, home, threadNotes: createThreadNotes({ db: database.db }) };
  const intakeDeps = { writer, auth: ingestAuth, metrics, logger, maxBodyBytes: config.intake.maxBodyBytes, maxEventsPerBatch: config.intake.maxEventsPerBatch };
  const routes: Route[] = [
    ...healthRoutes({ database, metrics, isStopping: () => stopping }),
    ...intakeRoutes(intakeDeps),
    ...alertRoutes({ ...intakeDeps, routingKeys: createRoutingKeyLookup(config.alerts.sources, ingestAuth) }),
    // OTLP batches run larger than event batches (OTLP suggests up to 64 MiB): their own limit.
    ...otlpRoutes({ auth: ingestAuth, metrics, logger, maxBodyBytes: config.intake.maxOtlpBodyBytes, record: async (calls) => void (await recordCalls(database, calls)) }),
    ...(simulator ? platformRoutes(simulator, { auth: ingestAuth }) : []),
    ...incidentRoutes({ desk: incidents, auth: ingestAuth }),
    ...adapters.flatMap((a) => a.routes(adapterContext)),
  ];
  const http = createHttpServer(routes, { metrics, logger });
  const { url, port } = await http.listen(config.port, config.host);
  selfUrl = url;
  outbox.start();
  await evaluator.start();
  heartbeat.start();
  pruner.start();
  home.start();
  logger.info({ url, database: database.kind, replica: replicaId }, 'triage listening');

  return {
    url,
    port,
    replicaId,
    ingestToken: token,
    ingestTokenFromDataDir: !config.ingestToken || generated,
    database,
    writer,
    platform,
    simulator,
    evaluator,
    pruner,
    outbox,
    lifecycle,
    interactions,
    scheduler,
    doctor,
    home,
    actions,
    incidents,
    metrics,
    logger,
    stop: async () => {
      if (stopping) return;
      stopping = true;
      // The lease first: another replica takes over at once instead of after its expiry.
      await heartbeat.stop();
      presence.stop();
      await pruner.stop();
      await home.stop();
      await evaluator.stop();
      // A socket's closing handshake gets a moment, never the whole shutdown budget.
      await Promise.all(adapters.map((adapter) => withTimeout(async () => adapter.close(), 2_000, { label: 'closing a chat adapter' }).catch((error: unknown) => logger.warn({ err: error }, 'a chat adapter did not close in time'))));
      await http.close(8_000);
      simulator?.close();
      await writer.drain();
      // The simulator's model must not be half-updated when the database closes under it.
      await connected.applied();
      await scheduler.stop();
      await actions.recovery.idle();
      await outbox.stop();
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
