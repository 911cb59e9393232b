import type { Logger } from 'pino';
import { actorLabel } from '../actor.js';
import { decisionLine } from '../approvals/card.js';
import type { Authoriser } from '../auth/authoriser.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { cardKeyOf, insightIdOfSubject } from '../insights/insight.js';
import { routeInsight } from '../insights/routing.js';
import { guardPlatform, guardedCallBudgetMs, type GuardedPlatform } from '../platform/guarded.js';
import type { Platform } from '../platform/port.js';
import { actionWords } from './action-card.js';
import { createApprovalDesk, type ApprovalDesk } from './approval-desk.js';
import type { CardSink } from './card-sink.js';
import { createRecoveryRunner, type RecoveryRunner } from './run-recovery.js';
import { createNotifier } from './recovery/checks/notifier.js';
import type { Tickets } from '../tickets/port.js';
import type { AlertResolver } from '../alerts/resolver.js';
import { insights } from '../db/schema/insights.js';
import { eq } from 'drizzle-orm';

export type ActionDesk = { authoriser: Authoriser; platform: GuardedPlatform; recovery: RecoveryRunner; approvals: ApprovalDesk };

/**
 * The action side, built from config: the platform behind a breaker with bounded retries, the
 * exactly-once runner for recovery buttons, the approval gate. Who may press what is decided by
 * the authoriser it is given.
 */
export function createActionDesk(deps: {
  config: Config;
  database: Database;
  platform: Platform;
  authoriser: Authoriser;
  showCard: CardSink;
  /** Redraws an insight's card with what was done from it (src/insights/publish.ts). */
  showInsight: (insightId: number) => Promise<void>;
  /** Posts a line in the open incident's thread (the incident desk's mirror). */
  mirror: (key: string, title: string, text: string) => Promise<void>;
  /** Where recovery actions file tickets (src/incidents/setup.ts createTickets). */
  tickets?: Pick<Tickets, 'create'>;
  /** Resolves external alerts from their cards (src/alerts/resolver.ts). */
  alerts?: AlertResolver;
  logger: Logger;
}): ActionDesk {
  const { config, database, logger, authoriser, mirror } = deps;
  const guard = {
    timeoutMs: config.actions.platformTimeoutMs,
    attempts: config.actions.platformAttempts,
    breaker: { failureThreshold: config.actions.breakerFailures, openMs: config.actions.breakerOpenSeconds * 1000 },
  };
  const platform = guardPlatform(deps.platform, guard);
  const recoveryDeps = {
    platform,
    now: Date.now,
    heartbeatTimeoutMs: config.actions.heartbeatTimeoutSeconds * 1000,
    platformCallMs: guardedCallBudgetMs(guard),
    // Reminders go where the insights of their kind go, through the same outbox as every card.
    notifier: createNotifier({ db: database.db, routing: config.routing, showCard: deps.showCard }),
    ...(deps.tickets ? { tickets: deps.tickets } : {}),
    ...(deps.alerts ? { alerts: deps.alerts } : {}),
  };
  const recovery = createRecoveryRunner({
    db: database.db,
    authoriser,
    recovery: recoveryDeps,
    showCard: deps.showCard,
    showInsight: deps.showInsight,
    threadOf: (subject) => insightCardKey(database, subject),
    logger,
    onFinished: (r) =>
      mirror(`action:${r.id}`, `${r.status === 'succeeded' ? '✅' : '❌'} ${actionWords(r.action)} ${r.targetId}`, `${actorLabel(r.actor)} pressed it: ${r.outcome ?? r.status}`),
  });
  const budgetEntry = { kind: 'routine_budget_exhausted', category: 'governance' as const, severity: 'warning' as const };
  const approvals = createApprovalDesk({
    db: database.db,
    authoriser,
    twoPersonRule: config.roles.twoPersonRule,
    platform,
    config: config.approvals,
    recovery: recoveryDeps,
    showCard: deps.showCard,
    showInsight: deps.showInsight,
    channel: routeInsight(config.routing, budgetEntry)[0] ?? config.routing.defaultChannel,
    logger,
    onDecided: (a) => mirror(`approval:${a.id}`, `Approval #${a.id}: ${a.status}`, decisionLine(a)),
  });
  return { authoriser, platform, recovery, approvals };
}

/** 'insight:42' → that insight's card key, so an action's card is threaded under it. */
async function insightCardKey(database: Database, subject: string | undefined): Promise<string | undefined> {
  const id = insightIdOfSubject(subject);
  if (id === undefined) return undefined;
  const [row] = await database.db.select({ id: insights.id, episode: insights.episode }).from(insights).where(eq(insights.id, id));
  return row ? cardKeyOf(row) : undefined;
}
