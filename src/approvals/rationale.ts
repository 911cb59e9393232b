import { and, asc, gt, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { events } from '../db/schema/events.js';
import { utcClock } from '../clock.js';

const HOUR = 60 * 60_000;
/** How far back to look for the moment the budget ran out (a routine can sit paused a while). */
const LOOKBACK = 24 * HOUR;
const BUDGET = 'budget_exhausted';

/*
 * Retries in one hour that make "extra runs during the failure" legitimate incident traffic
 * (the seed's operator approves because of the storm, not in spite of it).
 */
const STORM_RETRIES = 2;
const STORM_FAILURES = 3;

type RoutineEvent = { type: string; at: number; attributes: Record<string, unknown> };

const clock = (at: number): string => utcClock(new Date(at));
const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
const mentionsBudget = (value: unknown): boolean => typeof value === 'string' && value.includes(BUDGET);

/** A run refused because the budget was gone cost nothing and is the stop, not an extra run. */
const isRefusal = (e: RoutineEvent): boolean => e.type === 'routine.run' && mentionsBudget(e.attributes.error);

const isStop = (e: RoutineEvent): boolean => isRefusal(e) || (e.type === 'routine.paused' && mentionsBudget(e.attributes.reason));

const crossesLimit = (e: RoutineEvent): boolean =>
  e.type === 'routine.spend' && typeof e.attributes.spentUsd === 'number' && typeof e.attributes.limitUsd === 'number' && e.attributes.spentUsd >= e.attributes.limitUsd;

/** When the routine stopped on its budget: the latest stop, else the first spend over the limit. */
function exhaustedAt(recent: RoutineEvent[]): number | undefined {
  const stops = recent.filter(isStop);
  return stops.at(-1)?.at ?? recent.find(crossesLimit)?.at;
}

async function routineEvents(db: Db, routineId: string, now: number): Promise<RoutineEvent[]> {
  const rows = await db
    .select({ type: events.type, occurredAt: events.occurredAt, attributes: events.attributes })
    .from(events)
    .where(
      and(
        inArray(events.type, ['routine.run', 'routine.paused', 'routine.spend']),
        gt(events.occurredAt, new Date(now - LOOKBACK)),
        lte(events.occurredAt, new Date(now)),
        sql`${events.attributes}->>'routine' = ${routineId}`,
      ),
    )
    .orderBy(asc(events.occurredAt), asc(events.seq));
  return rows.map((r) => ({ type: r.type, at: r.occurredAt.getTime(), attributes: (r.attributes ?? {}) as Record<string, unknown> }));
}

/**
 * The approval card's rationale, from what the platform reported about the routine: how many
 * runs it made in the last hour and whether they were a retry storm (the seed: "Routine executed
 * extra runs during failure (retry storms), exhausting budget"), and when the budget ran out.
 */
export async function rationaleFromEvents(ctx: { db: Db; now?: () => number }, routineId: string): Promise<string> {
  const now = ctx.now?.() ?? Date.now();
  const recent = await routineEvents(ctx.db, routineId, now);
  const stoppedAt = exhaustedAt(recent);
  const exhausted = `budget exhausted at ${clock(stoppedAt ?? now)}`;
  const runs = recent.filter((e) => e.type === 'routine.run' && e.at > now - HOUR && !isRefusal(e));
  if (runs.length === 0) return exhausted;
  const retries = runs.filter((e) => e.attributes.retry === true).length;
  const failures = runs.filter((e) => e.attributes.status === 'failed').length;
  const counted = `${plural(runs.length, 'routine run', 'routine runs')} in the last hour`;
  if (retries < STORM_RETRIES && failures < STORM_FAILURES) return `${counted}; ${exhausted}`;
  const detail = retries > 0 ? `${plural(retries, 'retry', 'retries')}, ${failures} failed` : `${failures} failed`;
  return `${counted} (retry storm during the incident): ${detail}; ${exhausted}`;
}
