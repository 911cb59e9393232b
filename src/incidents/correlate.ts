import { and, asc, desc, eq, exists, inArray, notExists, sql } from 'drizzle-orm';
import { systemActor } from '../actor.js';
import type { Db } from '../db/client.js';
import { incidentInsights, incidents } from '../db/schema/incidents.js';
import { insights } from '../db/schema/insights.js';
import { findEntry } from '../insights/catalog/index.js';
import { Insight } from '../insights/insight.js';
import { nowOf, parseIncident, type Incident } from './model.js';

export type CorrelateContext = {
  db: Db;
  now?: () => number;
  /** IncidentsConfig.correlationMinutes: how close together critical insights must start. */
  windowMinutes: number;
  /** Logical channel of the header card of an incident this opens (IncidentsConfig.channel). */
  channel?: string;
};

export type Joined = { incident: Incident; insightId: number };
/**
 * `joined` lists every insight that entered an incident in this call, the opened one's included;
 * `reopened` the mitigated incidents one of their own insights came back to.
 */
export type Correlation = { opened?: Incident; joined: Joined[]; reopened?: Incident[] };

const MAX_TITLE = 80;
// Opening, then joining what is left, then one retry after losing a race to another replica.
const MAX_ROUNDS = 4;

/**
 * Called with each batch of changed insights. A critical or warning insight, open and not yet in
 * an open incident, joins the incident in progress: the open correlated one, else the newest open
 * declared one (on-call declared it for what is happening now, so what happens now belongs in its
 * thread). With neither, two critical insights that started within the window of each other
 * open a correlated incident: a cascading failure.
 *
 * Safe across replicas: the partial unique index allows one open correlated incident, so the
 * loser of two concurrent openings inserts nothing and joins the winner's; the primary key of
 * incident_insights makes every join happen once, and only the call that made it reports it.
 */
export async function correlateInsights(ctx: CorrelateContext, batch: Insight[]): Promise<Correlation> {
  // Warnings join too: a degraded provider is part of the story (the minutes' tertiary cause),
  // but only critical insights are enough to open an incident.
  const live = batch.filter((i) => i.severity !== 'info' && i.status === 'open').map((i) => i.id);
  const reopened = await reopenOnRecurrence(ctx, live);
  const result: Correlation = { joined: [], ...(reopened.length ? { reopened } : {}) };
  const wanted = new Set(live);
  for (let round = 0; round < MAX_ROUNDS && wanted.size > 0; round++) {
    const free = await freeInsights(ctx.db);
    const pending = free.filter((i) => wanted.has(i.id));
    if (pending.length === 0) break;
    const current = await incidentInProgress(ctx.db);
    if (current) {
      // Whatever did not join (another replica joined it first, or the incident closed in between)
      // is looked at again next round: no longer free, or free for the next incident.
      const joined = await join(ctx, current.id, pending.map((i) => i.id));
      result.joined.push(...joined);
      joined.forEach((j) => wanted.delete(j.insightId));
      continue;
    }
    const windowMs = ctx.windowMinutes * 60_000;
    const critical = (list: Insight[]) => list.filter((i) => i.severity === 'critical');
    const cascade = cascadeOf(critical(pending), critical(free), windowMs);
    if (!cascade) break;
    const group = [...cascade, ...warningsAround(cascade, free, windowMs)];
    const opened = await open(ctx, group, cascade);
    if (opened) {
      result.opened = opened;
      result.joined.push(...group.map((i) => ({ incident: opened, insightId: i.id })));
      group.forEach((i) => wanted.delete(i.id));
    }
  }
  return result;
}

/**
 * mitigated → open when one of its own insights comes back: the fix did not hold, so the story
 * goes on in the same thread instead of a new incident. Not a resolved one: its minutes are
 * written and it stays closed; what recurs then is a new incident. One conditional update, so two
 * replicas seeing the same recurrence reopen it once.
 */
async function reopenOnRecurrence(ctx: CorrelateContext, insightIds: number[]): Promise<Incident[]> {
  if (insightIds.length === 0) return [];
  const now = nowOf(ctx);
  const member = ctx.db
    .select({ one: sql`1` })
    .from(incidentInsights)
    .where(and(eq(incidentInsights.incidentId, incidents.id), inArray(incidentInsights.insightId, insightIds)));
  const rows = await ctx.db
    .update(incidents)
    .set({ status: 'open', mitigatedAt: null, updatedAt: now })
    .where(and(eq(incidents.status, 'mitigated'), exists(member)))
    .returning();
  return rows.map(parseIncident);
}

/** Warnings that started within the window of the cascade: they belong to the same story. */
function warningsAround(cascade: Insight[], free: Insight[], windowMs: number): Insight[] {
  const starts = cascade.map((i) => i.firstSeenAt.getTime());
  const from = Math.min(...starts) - windowMs;
  const to = Math.max(...starts) + windowMs;
  return free.filter((i) => i.severity === 'warning' && i.firstSeenAt.getTime() >= from && i.firstSeenAt.getTime() <= to);
}

/** Critical and warning insights still open and not in any open incident, oldest first. */
async function freeInsights(db: Db): Promise<Insight[]> {
  const inOpenIncident = db
    .select({ one: sql`1` })
    .from(incidentInsights)
    .innerJoin(incidents, eq(incidents.id, incidentInsights.incidentId))
    .where(and(eq(incidentInsights.insightId, insights.id), eq(incidents.status, 'open')));
  const rows = await db
    .select()
    .from(insights)
    .where(and(inArray(insights.severity, ['critical', 'warning']), eq(insights.status, 'open'), notExists(inOpenIncident)))
    .orderBy(asc(insights.firstSeenAt), asc(insights.id));
  return rows.map((r) => Insight.parse(r));
}

/** The open correlated incident, else the newest open declared one. */
async function incidentInProgress(db: Db): Promise<Incident | undefined> {
  const [row] = await db
    .select()
    .from(incidents)
    .where(eq(incidents.status, 'open'))
    // 'correlated' sorts before 'declared': the cascade's own incident wins when both are open.
    .orderBy(asc(incidents.origin), desc(incidents.openedAt), desc(incidents.id))
    .limit(1);
  return row ? parseIncident(row) : undefined;
}

/**
 * A declared incident takes in the insights that were live when it was declared: critical and
 * warning ones, open, in no open incident, seen within the window before now. Those are usually
 * why someone declared it, and without them its minutes would have no root causes.
 */
export async function adoptRecentInsights(ctx: CorrelateContext, incidentId: number): Promise<Joined[]> {
  const since = nowOf(ctx).getTime() - ctx.windowMinutes * 60_000;
  const recent = (await freeInsights(ctx.db)).filter((i) => i.lastSeenAt.getTime() >= since);
  return recent.length ? join(ctx, incidentId, recent.map((i) => i.id)) : [];
}

/** The first pending insight with at least one other free critical insight within the window. */
export function cascadeOf(pending: Insight[], free: Insight[], windowMs: number): Insight[] | undefined {
  for (const candidate of pending) {
    const started = candidate.firstSeenAt.getTime();
    const group = free.filter((i) => Math.abs(i.firstSeenAt.getTime() - started) <= windowMs);
    if (group.length >= 2) return group;
  }
  return undefined;
}

/** Opens the correlated incident with its first insights, or returns undefined when another replica was first. */
async function open(ctx: CorrelateContext, group: Insight[], titledBy: Insight[]): Promise<Incident | undefined> {
  const now = nowOf(ctx);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(incidents)
      .values({ title: cascadeTitle(titledBy), status: 'open', origin: 'correlated', openedBy: systemActor, channel: ctx.channel ?? 'ops', openedAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    if (!row) return undefined;
    await tx.insert(incidentInsights).values(group.map((i) => ({ incidentId: row.id, insightId: i.id, joinedAt: now })));
    return parseIncident(row);
  });
}

/**
 * Joins insights to an incident while it is still open: the row lock orders the join against a
 * concurrent mitigation or resolve, so nothing joins an incident that just closed.
 */
async function join(ctx: CorrelateContext, incidentId: number, insightIds: number[]): Promise<Joined[]> {
  const now = nowOf(ctx);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(incidents)
      .where(and(eq(incidents.id, incidentId), eq(incidents.status, 'open')))
      .for('update');
    if (!row) return [];
    const incident = parseIncident(row);
    const added = await tx
      .insert(incidentInsights)
      .values(insightIds.map((insightId) => ({ incidentId, insightId, joinedAt: now })))
      .onConflictDoNothing()
      .returning({ insightId: incidentInsights.insightId });
    return added.map((a) => ({ incident, insightId: a.insightId }));
  });
}

/** "Cascading failure: runtime execution failures, MCP connection pool exhausted, …" from the catalog's names. */
export function cascadeTitle(group: Array<Pick<Insight, 'kind'>>): string {
  const names = [...new Set(group.map((i) => sentenceCase(findEntry(i.kind)?.name ?? i.kind.replace(/[_-]/g, ' '))))];
  let title = 'Cascading failure:';
  for (const [index, name] of names.entries()) {
    const last = index === names.length - 1;
    const next = `${title}${index === 0 ? ' ' : ', '}${name}`;
    if (next.length > MAX_TITLE || (!last && next.length > MAX_TITLE - 3)) return `${title}${index === 0 ? ' ' : ', '}…`;
    title = next;
  }
  return title;
}

// "Runtime execution failures" reads as a list item; "MCP …" and "LLM …" keep their capitals.
const sentenceCase = (name: string): string => (/^[A-Z][a-z]/.test(name) ? name.charAt(0).toLowerCase() + name.slice(1) : name);
