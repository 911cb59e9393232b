import { and, desc, eq, sql } from 'drizzle-orm';
import { Card } from '../../../chat/card.js';
import type { Db } from '../../../db/client.js';
import { events } from '../../../db/schema/events.js';
import { routeInsight, type Routing } from '../../../insights/routing.js';
import type { CardSink } from '../../card-sink.js';
import type { Notifier } from '../action.js';

/**
 * The recovery actions' Notifier (src/actions/recovery/action.ts), on Triage's own event log and
 * card sink: a message goes where the insights of its kind go (src/insights/routing.ts), through
 * the outbox, once per key on every chat platform.
 */
export function createNotifier(deps: { db: Db; routing: Routing; showCard: CardSink }): Notifier {
  return {
    async lastSaid(type, attribute, id) {
      // events_type_occurred_idx walks this type's events newest first; few carry another id.
      const [row] = await deps.db
        .select({ attributes: events.attributes })
        .from(events)
        .where(and(eq(events.type, type), sql`(${events.attributes}->>${attribute}) = ${id}`))
        .orderBy(desc(events.occurredAt))
        .limit(1);
      const attributes = row?.attributes;
      return attributes && typeof attributes === 'object' && !Array.isArray(attributes) ? (attributes as Record<string, unknown>) : undefined;
    },
    async post({ key, route, card }) {
      const channels = routeInsight(deps.routing, route);
      const to = channels.length ? channels : [deps.routing.defaultChannel];
      const shown = Card.parse({ state: 'info', ...card });
      for (const channel of to) await deps.showCard({ cardKey: key, channel }, shown);
      return to;
    },
  };
}
