import { buildActionId } from '../chat/action-id.js';
import { enqueueUpdate } from '../chat/outbox/enqueue.js';
import type { ChatPlatform } from '../chat/port.js';
import type { Db } from '../db/client.js';
import type { ActionSpec } from './catalog/entry.js';
import type { findEntry } from './catalog/index.js';
import { eq } from 'drizzle-orm';
import { insights as insightsTable } from '../db/schema/insights.js';
import { insightCard, type CardAct } from './card.js';
import { cardKeyOf, type Insight } from './insight.js';
import type { Publisher } from './lifecycle.js';
import { routeInsight, type Routing } from './routing.js';
import { findById, type Tx } from './store.js';

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

export const insightActionId = (spec: ActionSpec, insight: Pick<Insight, 'id'>): string =>
  buildActionId({
    action: spec.action,
    subject: { kind: 'insight', id: String(insight.id) },
    ...(spec.target ? { target: { kind: spec.target.kind, id: spec.target.id } } : {}),
  });

/** What was done from an insight's card (src/actions/insight-acts.ts), read inside the publishing transaction. */
export type ActsOf = (tx: Tx, insightId: number) => Promise<CardAct[]>;

export type InsightCards = {
  /** The lifecycle's publisher: the cards of insights that just changed. */
  publish: Publisher;
  /** Redraws one insight's card after something was done from it (a click, a decision, a result). */
  show(insightId: number): Promise<void>;
};

/**
 * Hands each changed insight's card to the outbox for every routed channel on every chat
 * platform. enqueueUpdate posts a card never posted and otherwise updates it in place, so this
 * can run again after a crash without duplicates.
 *
 * The card is drawn inside one transaction holding the insight's row lock, from the row and the
 * acts as they are then: the leader publishing a new count and a replica publishing a click's
 * outcome take turns, and whichever enqueues last drew from what the other had committed, so the
 * card never loses a decision to a race (docs/architecture.md, "The pressed card tells the truth").
 */
export function createInsightPublisher(deps: {
  db: Db;
  platforms: () => ChatPlatform[];
  routing: Routing;
  findEntry: typeof findEntry;
  actsOf: ActsOf;
  kick: () => void;
  now?: () => number;
}): InsightCards {
  const draw = async (insightId: number, given?: Insight): Promise<void> => {
    const now = deps.now?.() ?? Date.now();
    await deps.db.transaction(async (tx) => {
      await tx.select({ id: insightsTable.id }).from(insightsTable).where(eq(insightsTable.id, insightId)).for('update');
      const insight = (await findById(tx, insightId)) ?? given;
      if (!insight) return;
      const card = insightCard(deps.findEntry(insight.kind), insight, insightActionId, await deps.actsOf(tx, insight.id));
      for (const channel of routeInsight(deps.routing, insight)) {
        for (const platform of deps.platforms()) {
          await enqueueUpdate(tx, { platform, channel, cardKey: cardKeyOf(insight), card }, now);
        }
      }
    });
    deps.kick();
  };
  return {
    // Critical first, one small transaction and a kick each: the first critical card is on its
    // way while the rest are still being queued.
    publish: async (insights) => {
      const ordered = [...insights].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
      for (const insight of ordered) await draw(insight.id, insight);
    },
    show: (insightId) => draw(insightId),
  };
}
