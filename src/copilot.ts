import type { Logger } from 'pino';
import { outboxCardSink } from './actions/card-sink.js';
import { createActionDesk, type ActionDesk } from './actions/setup.js';
import { sweepOverdueActions } from './actions/watchdog.js';
import type { Actor } from './actor.js';
import { createOutbox, type Outbox } from './chat/outbox/index.js';
import type { ChatPlatform, ChatPort } from './chat/port.js';
import type { Interactions } from './chat/interactions.js';
import { createChatEntry } from './chat-entry.js';
import { createIncidents } from './incidents/setup.js';
import type { IncidentDesk } from './incidents/desk.js';
import type { DoctorCheck } from './doctor/check.js';
import { startDoctor } from './doctor/setup.js';
import type { Doctor } from './doctor/service.js';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import type { EventWriter } from './intake/event-writer.js';
import { catalog, findEntry } from './insights/catalog/index.js';
import { createInsightEngine, type InsightEngine } from './insights/engine.js';
import { createInsightLifecycle, type InsightLifecycle, type Publisher } from './insights/lifecycle.js';
import { createInsightPublisher } from './insights/publish.js';
import { createScheduler, type Scheduler } from './jobs/scheduler.js';
import type { Metrics } from './observability/metrics.js';
import type { Platform } from './platform/port.js';
import { err, ok, type Result } from './result.js';

export type Copilot = {
  outbox: Outbox;
  lifecycle: InsightLifecycle;
  engine: InsightEngine;
  interactions: Interactions;
  scheduler: Scheduler;
  doctor: Doctor;
  actions: ActionDesk;
  incidents: IncidentDesk;
  stop(): Promise<void>;
};

export type CopilotDeps = {
  config: Config;
  database: Database;
  platform: Platform;
  writer: EventWriter;
  ports: Map<ChatPlatform, ChatPort>;
  metrics: Metrics;
  logger: Logger;
  doctorChecks: DoctorCheck[];
  /** Group memberships from the chat adapters, for roles granted to a Slack user group. */
  groupsOf?: (actor: Actor) => Promise<string[]>;
};

/**
 * Copilot insights end to end: stored events → rules → one insight per fingerprint → cards in
 * the outbox → every chat platform; clicks and commands come back through `interactions`.
 */
export async function startCopilot(deps: CopilotDeps): Promise<Copilot> {
  const { config, database, logger, metrics } = deps;
  const outbox = createOutbox({ database, ports: deps.ports, options: config.outbox, logger });
  metrics.watchOutbox(() => outbox.stats());
  const platforms = () => [...deps.ports.keys()];
  // Late-bound: the incident desk needs the authoriser, the actions need the incident's thread.
  let mirror: IncidentDesk['mirror'] = async () => {};
  const actions = createActionDesk({
    config,
    database,
    platform: deps.platform,
    showCard: outboxCardSink(outbox, platforms),
    logger,
    mirror: (key, title, text) => mirror(key, title, text),
    ...(deps.groupsOf ? { groupsOf: deps.groupsOf } : {}),
  });
  const scheduler = createScheduler({ database, logger });
  const incidents = createIncidents({ config, database, showCard: outboxCardSink(outbox, platforms), scheduler, authoriser: actions.authoriser, logger });
  mirror = incidents.mirror;
  const publishCards = createInsightPublisher({ db: database.db, platforms, routing: config.routing, findEntry, kick: () => outbox.kick() });
  const publisher: Publisher = async (insights) => {
    await publishCards(insights);
    // An exhausted budget asks for its override and a cascade opens an incident; a failure in
    // either must not hold back the cards.
    await actions.approvals.fromInsights(insights).catch((error: unknown) => logger.error({ err: error }, 'could not ask for a budget override'));
    await incidents.onInsights(insights).catch((error: unknown) => logger.error({ err: error }, 'could not correlate insights into an incident'));
  };
  const lifecycle = createInsightLifecycle({ database, publisher, suppressMinutes: config.insights.suppressMinutes });
  const engine = createInsightEngine({
    database,
    platform: deps.platform,
    catalog,
    lifecycle,
    thresholds: config.insights.thresholds,
    logger,
    onRuleFailure: (kind) => metrics.insightRuleFailures.inc({ kind }),
  });
  deps.writer.onStored((events) => engine.onStored(events));
  await engine.start();
  outbox.start();

  scheduler.schedule('insights-tick', config.insights.tickCron, () => engine.tick());

  scheduler.schedule('actions-watchdog', config.insights.tickCron, () => sweepOverdueActions({ db: database.db, runner: actions.recovery, now: Date.now, logger }));
  const doctor = startDoctor({ config, database, checks: deps.doctorChecks, scheduler, outbox, platforms });
  const interactions = createChatEntry({ config, database, doctor, actions, incidents, lifecycle, logger });
  return {
    outbox,
    lifecycle,
    engine,
    interactions,
    scheduler,
    doctor,
    actions,
    incidents,
    stop: async () => {
      await scheduler.stop();
      await actions.recovery.idle();
      await engine.idle();
      await outbox.stop();
    },
  };
}

/** Thresholds in config name real kinds and fit their schemas, or start-up says which do not. */
export function checkThresholds(thresholds: Config['insights']['thresholds']): Result<void, string[]> {
  const problems: string[] = [];
  for (const [kind, values] of Object.entries(thresholds)) {
    const entry = findEntry(kind);
    if (!entry) {
      problems.push(`insights.thresholds.${kind}: no such failure kind; known kinds: ${catalog.map((e) => e.kind).join(', ')}`);
      continue;
    }
    const parsed = entry.thresholds.safeParse(values);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`insights.thresholds.${kind}.${issue.path.join('.')}: ${issue.message}`);
    }
  }
  return problems.length ? err(problems) : ok(undefined);
}
