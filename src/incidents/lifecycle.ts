import { and, asc, desc, eq, exists, inArray, ne, notExists, sql } from 'drizzle-orm';
import { actorLabel, type Actor } from '../actor.js';
import type { Db } from '../db/client.js';
import { incidentInsights, incidents } from '../db/schema/incidents.js';
import { insights } from '../db/schema/insights.js';
import { err, ok, type Result } from '../result.js';
import { clock, nowOf, parseIncident, type Incident, type IncidentContext } from './model.js';

export type ResolveError =
  | { code: 'not_found'; message: string }
  /** Someone resolved it first; `incident` says who and when. */
  | { code: 'already_resolved'; incident: Incident; message: string };

export async function findIncident(db: Db, id: number): Promise<Incident | undefined> {
  if (!Number.isSafeInteger(id) || id < 1) return undefined;
  const [row] = await db.select().from(incidents).where(eq(incidents.id, id));
  return row ? parseIncident(row) : undefined;
}

/** The incident commands act on without an id: the latest one not yet resolved. */
export async function currentIncident(db: Db): Promise<Incident | undefined> {
  const [row] = await db
    .select()
    .from(incidents)
    .where(ne(incidents.status, 'resolved'))
    .orderBy(desc(incidents.openedAt), desc(incidents.id))
    .limit(1);
  return row ? parseIncident(row) : undefined;
}

/** Its insights in the order they joined. */
export async function incidentInsightIds(db: Db, id: number): Promise<number[]> {
  const rows = await db
    .select({ insightId: incidentInsights.insightId })
    .from(incidentInsights)
    .where(eq(incidentInsights.incidentId, id))
    .orderBy(asc(incidentInsights.joinedAt), asc(incidentInsights.insightId));
  return rows.map((r) => r.insightId);
}

/** The open incidents these insights belong to: what the glue checks with mitigateIfClear when insights resolve. */
export async function openIncidentIdsOf(db: Db, insightIds: number[]): Promise<number[]> {
  if (insightIds.length === 0) return [];
  const rows = await db
    .selectDistinct({ id: incidents.id })
    .from(incidentInsights)
    .innerJoin(incidents, eq(incidents.id, incidentInsights.incidentId))
    .where(and(inArray(incidentInsights.insightId, insightIds), eq(incidents.status, 'open')))
    .orderBy(asc(incidents.id));
  return rows.map((r) => r.id);
}

/**
 * open → mitigated once every one of its insights is resolved or dismissed. One conditional
 * update, so concurrent callers (two replicas seeing the last insight resolve) mitigate once; an
 * incident without insights (declared by hand, nothing joined) is never mitigated by itself.
 * Returns the incident when this call mitigated it.
 */
export async function mitigateIfClear(ctx: IncidentContext, incidentId: number): Promise<Incident | undefined> {
  const now = nowOf(ctx);
  const members = ctx.db.select({ one: sql`1` }).from(incidentInsights).where(eq(incidentInsights.incidentId, incidentId));
  const stillLive = ctx.db
    .select({ one: sql`1` })
    .from(incidentInsights)
    .innerJoin(insights, eq(insights.id, incidentInsights.insightId))
    .where(and(eq(incidentInsights.incidentId, incidentId), inArray(insights.status, ['open', 'acknowledged'])));
  const [row] = await ctx.db
    .update(incidents)
    .set({ status: 'mitigated', mitigatedAt: now, updatedAt: now })
    .where(and(eq(incidents.id, incidentId), eq(incidents.status, 'open'), exists(members), notExists(stillLive)))
    .returning();
  return row ? parseIncident(row) : undefined;
}

/**
 * Resolves an incident exactly once: one conditional update (`WHERE status <> 'resolved'
 * RETURNING`). Of any number of concurrent Resolve clicks one gets the row back; the others are
 * told who resolved it and when.
 */
export async function resolveIncident(ctx: IncidentContext, input: { incidentId: number; actor: Actor }): Promise<Result<Incident, ResolveError>> {
  const now = nowOf(ctx);
  if (!Number.isSafeInteger(input.incidentId) || input.incidentId < 1) return err(notFound(input.incidentId));
  const [row] = await ctx.db
    .update(incidents)
    .set({ status: 'resolved', resolvedBy: input.actor, resolvedAt: now, updatedAt: now })
    .where(and(eq(incidents.id, input.incidentId), ne(incidents.status, 'resolved')))
    .returning();
  if (row) return ok(parseIncident(row));
  const current = await findIncident(ctx.db, input.incidentId);
  if (!current) return err(notFound(input.incidentId));
  return err({ code: 'already_resolved', incident: current, message: alreadyResolved(current) });
}

const notFound = (id: number): ResolveError => ({ code: 'not_found', message: `There is no incident #${id}, so nothing was resolved.` });

/** "Incident #12 was already resolved by Elena at 15:19 UTC." */
export function alreadyResolved(incident: Incident): string {
  const by = incident.resolvedBy ? ` by ${actorLabel(incident.resolvedBy)}` : '';
  const at = incident.resolvedAt ? ` at ${clock(incident.resolvedAt)}` : '';
  return `Incident #${incident.id} was already resolved${by}${at}; nothing changed.`;
}
