import { buildActionId } from '../chat/action-id.js';
import { enqueueUpdate } from '../chat/outbox/enqueue.js';
import type { ChatPlatform } from '../chat/port.js';
import type { Db } from '../db/client.js';
import type { ActionSpec } from './catalog/entry.js';
import type { findEntry } from './catalog/index.js';
import { insightCard } from './card.js';
import { cardKeyOf, type Insight } from './insight.js';
import type { Publisher } from './lifecycle.js';
import { routeInsight, type Routing } from './routing.js';

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

export const insightActionId = (spec: ActionSpec, insight: Pick<Insight, 'id'>): string =>
  buildActionId({
    action: spec.action,
    subject: { kind: 'insight', id: String(insight.id) },
    ...(spec.target ? { target: { kind: spec.target.kind, id: spec.target.id } } : {}),
  });

/**
 * Hands each changed insight's card to the outbox for every routed channel on every chat
 * platform. enqueueUpdate posts a card never posted and otherwise updates it in place, so this
 * can run again after a crash without duplicates.
 */
export function createInsightPublisher(deps: {
  db: Db;
  platforms: () => ChatPlatform[];
  routing: Routing;
  findEntry: typeof findEntry;
  kick: () => void;
  now?: () => number;
}): Publisher {
  return async (insights) => {
    // Critical first, one small transaction and a kick each: the first critical card is on its
    // way while the rest are still being queued.
    const ordered = [...insights].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
    for (const insight of ordered) {
      const card = insightCard(deps.findEntry(insight.kind), insight, insightActionId);
      const now = deps.now?.() ?? Date.now();
      await deps.db.transaction(async (tx) => {
        for (const channel of routeInsight(deps.routing, insight)) {
          for (const platform of deps.platforms()) {
            await enqueueUpdate(tx, { platform, channel, cardKey: cardKeyOf(insight), card }, now);
          }
        }
      });
      deps.kick();
    }
  };
}
