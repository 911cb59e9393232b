import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { Actor } from '../../src/actor.js';
import type { CardPlacement, CardSink } from '../../src/actions/card-sink.js';
import { actsOnInsight } from '../../src/actions/insight-acts.js';
import { createRecoveryRunner } from '../../src/actions/run-recovery.js';
import { insightCard } from '../../src/insights/card.js';
import { findEntry } from '../../src/insights/catalog/index.js';
import { insightActionId } from '../../src/insights/publish.js';
import { findById } from '../../src/insights/store.js';
import { createAuthoriser } from '../../src/auth/authoriser.js';
import type { Card } from '../../src/chat/card.js';
import type { MessageRef } from '../../src/chat/interactions.js';
import { RolesConfig } from '../../src/config.js';
import { actionRequests, auditLog } from '../../src/db/schema/actions.js';
import type { TypedEvent } from '../../src/events/vocabulary.js';
import type { StoredEvent } from '../../src/intake/event-writer.js';
import type { Platform } from '../../src/platform/port.js';
import { createSimulator, type Simulator } from '../../src/platform/simulator/simulator.js';
import type { TestDatabase } from '../support/databases.js';

const person = (userId: string, name: string): Actor => ({ platform: 'slack', teamId: 'T0TEAMX', userId, name });
export const mike = person('U0MIKE', 'Mike');
export const priya = person('U0PRIYA', 'Priya');
export const elena = person('U0ELENA', 'Elena');
export const james = person('U0JAMES', 'James');
export const sofia = person('U0SOFIA', 'Sofia');
export const alex = person('U0ALEX', 'Alex');
export const omar = person('U0OMAR', 'Omar');

/** Mike and Priya respond; Elena, James, Sofia and Alex approve; Omar is nobody (a viewer). */
export const roles = (twoPersonRule = true): RolesConfig =>
  RolesConfig.parse({
    responders: ['slack:U0MIKE', 'slack:U0PRIYA'],
    approvers: ['slack:U0ELENA', 'slack:U0JAMES', 'slack:U0SOFIA', 'slack:U0ALEX'],
    twoPersonRule,
  });

export const authoriserFor = (config: RolesConfig = roles()) => createAuthoriser({ roles: config });

export const message: MessageRef = { platform: 'slack', channel: 'ops', messageId: '1700000000.000100' };

export const quiet = { error: () => {}, warn: () => {}, info: () => {} };

/** What src/app.ts does: the simulator's own events (a restarted runtime's heartbeat) come back to it. */
export async function loopedSimulator(database: TestDatabase, restartHeartbeatDelayMs: number): Promise<Simulator> {
  const toStored = (e: TypedEvent): StoredEvent => ({ ...e, known: true, eventKey: randomUUID() }) as StoredEvent;
  const sim: Simulator = await createSimulator({ database, restartHeartbeatDelayMs, emit: async (events) => sim.applyEvents(events.map(toStored)) });
  return sim;
}

/** The real simulator, with every call that changes something counted by name. */
export function countingPlatform(sim: Simulator) {
  const calls: Array<{ call: string; args: unknown[] }> = [];
  const counted = <K extends keyof Platform>(name: K): Platform[K] =>
    ((...args: unknown[]) => {
      calls.push({ call: name, args });
      return (sim[name] as (...a: unknown[]) => unknown)(...args);
    }) as Platform[K];
  const platform: Platform = {
    ...sim,
    restartRuntime: counted('restartRuntime'),
    grantBudgetOverride: counted('grantBudgetOverride'),
    restartWorker: counted('restartWorker'),
  };
  return { platform, calls, count: (call: string) => calls.filter((c) => c.call === call).length };
}

/** Stands for the chat platforms: every card shown, in order. */
export function recordingSink() {
  const shown: Array<{ placement: CardPlacement; card: Card }> = [];
  const sink: CardSink = async (placement, card) => void shown.push({ placement, card });
  return { sink, shown, of: (cardKey: string) => shown.filter((s) => s.placement.cardKey === cardKey).map((s) => s.card) };
}

/**
 * Draws an insight's card as the publisher does (the row and what was done from it) into the
 * sink under the key `insight:<id>`, without the outbox: what the pressed card would show.
 */
export function insightDrawer(database: TestDatabase, sink: CardSink) {
  return async (insightId: number): Promise<void> => {
    const insight = await findById(database.db, insightId);
    if (!insight) return;
    await sink({ cardKey: `insight:${insightId}`, channel: 'ops' }, insightCard(findEntry(insight.kind), insight, insightActionId, await actsOnInsight(database.db, insightId)));
  };
}

export function runnerFor(database: TestDatabase, platform: Platform, sink: CardSink, over: { heartbeatTimeoutMs?: number; now?: () => number } = {}) {
  return createRecoveryRunner({
    db: database.db,
    authoriser: authoriserFor(),
    recovery: { platform, now: Date.now, heartbeatTimeoutMs: over.heartbeatTimeoutMs ?? 10_000, heartbeatPollMs: 25 },
    showCard: sink,
    showInsight: insightDrawer(database, sink),
    threadOf: async () => undefined,
    logger: quiet,
    ...(over.now ? { now: over.now } : {}),
  });
}

export const auditRows = (database: TestDatabase, requestId?: number) =>
  requestId === undefined
    ? database.db.select().from(auditLog).orderBy(asc(auditLog.id))
    : database.db.select().from(auditLog).where(eq(auditLog.requestId, requestId)).orderBy(asc(auditLog.id));

export const requestRows = (database: TestDatabase, targetId: string) =>
  database.db.select().from(actionRequests).where(eq(actionRequests.targetId, targetId)).orderBy(asc(actionRequests.id));
