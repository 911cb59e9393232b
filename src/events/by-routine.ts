import { desc, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { events } from '../db/schema/events.js';

/**
 * A routine's latest events, newest first ("View logs" on a budget approval). The condition is
 * spelled as index events_routine_idx is, so the planner uses it (test/db/hot-path-indexes.test.ts).
 */
export async function latestEventsOfRoutine(db: Db, routine: string, limit: number) {
  return db
    .select({ occurredAt: events.occurredAt, type: events.type, attributes: events.attributes })
    .from(events)
    .where(sql`(${events.attributes}->>'routine') = ${routine}`)
    .orderBy(desc(events.occurredAt))
    .limit(limit);
}
