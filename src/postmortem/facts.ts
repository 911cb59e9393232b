import { and, asc, eq, gte, inArray, lte, or } from 'drizzle-orm';
import { z } from 'zod';
import { actorLabel, Actor } from '../actor.js';
import type { Db } from '../db/client.js';
import { actionRequests, approvals, auditLog } from '../db/schema/actions.js';
import { doctorRuns } from '../db/schema/doctor.js';
import { events } from '../db/schema/events.js';
import { incidentInsights, incidents } from '../db/schema/incidents.js';
import { insightHistory, insights } from '../db/schema/insights.js';
import type { Entity } from '../insights/catalog/entry.js';
import { approvalContexts } from '../audit/context.js';
import { ApprovalGist, approvalWords, auditWords } from '../audit/words.js';
import { readThreadNotes } from '../incidents/thread-notes.js';
import { approvalBelongs, auditBelongs, incidentScope, type IncidentScope } from './belonging.js';

const gistOf = (row: { kind: string; params: unknown }): ApprovalGist | undefined => {
  const parsed = ApprovalGist.safeParse({ kind: row.kind, params: row.params });
  return parsed.success ? parsed.data : undefined;
};

/**
 * Everything the minutes and the timeline say about one incident, read once from the database as
 * plain data. Both are pure functions of this, so the same incident gives the same minutes.
 */
export type IncidentFacts = {
  incident: {
    id: number;
    title: string;
    status: string;
    origin: string;
    openedBy: string;
    resolvedBy?: string;
    channel: string;
    openedAt: Date;
    mitigatedAt?: Date;
    resolvedAt?: Date;
  };
  /** End of the window read: resolvedAt, or the time the facts were gathered. */
  until: Date;
  insights: InsightFact[];
  history: HistoryFact[];
  /** In the window and traced to this incident (belonging.ts), not everything done meanwhile. */
  audit: AuditFact[];
  approvals: ApprovalFact[];
  doctorRuns: DoctorRunFact[];
  /** What people wrote in the incident's thread, in order (src/incidents/thread-notes.ts); all of it, the thread is its record. */
  notes?: NoteFact[];
  /** Change events (PagerDuty change events) from the hour before it opened until it ended: "what changed before it broke". */
  changes?: ChangeFact[];
};

export type InsightFact = {
  id: number;
  kind: string;
  title: string;
  severity: string;
  status: string;
  scope: string;
  summary: string;
  detail?: string;
  facts: Record<string, string | number | boolean>;
  entities: Entity[];
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedAt?: Date;
};
export type HistoryFact = { id: number; insightId: number; change: string; actor?: string; at: Date };
/** `words`: the row as a sentence without its subject, as /audit says it (src/audit/words.ts). */
export type AuditFact = { id: number; at: Date; actor: string; action: string; target: string; outcome: string; detail?: string; durationMs?: number; words: string };
export type ApprovalFact = {
  id: number;
  kind: string;
  target: string;
  status: string;
  rationale: string;
  /** "a +$5.00 budget override for routine daily-code-review" (src/audit/words.ts). */
  words: string;
  requestedBy: string;
  createdAt: Date;
  decidedBy?: string;
  decidedAt?: Date;
  outcome?: string;
};
export type ChangeFact = { at: Date; summary: string; origin: string; affected?: string; url?: string };
export type NoteFact = { id: number; at: Date; actor: string; text: string; edited: boolean };
export type DoctorRunFact = { id: number; requestedBy: string; trigger: string; overall: string; durationMs: number; startedAt: Date; finishedAt: Date };

/** Detection JSON as stored; parsed because it is read back from the database (STYLE §5). */
const StoredDetection = z.object({
  summary: z.string().default(''),
  detail: z.string().optional(),
  entities: z.array(z.object({ kind: z.string(), id: z.string(), label: z.string().optional(), detail: z.string().optional() })).default([]),
  facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

/** A readable name for any stored actor: a person's name, a cron job, or the raw key as a last resort. */
export function labelOf(json: unknown): string {
  const actor = Actor.safeParse(json);
  if (actor.success) return actorLabel(actor.data);
  const cron = z.object({ platform: z.string(), job: z.string() }).safeParse(json);
  return cron.success ? `${cron.data.platform}:${cron.data.job}` : 'unknown';
}

export async function gatherFacts(db: Db, incidentId: number, options: { now?: Date } = {}): Promise<IncidentFacts | undefined> {
  const [row] = await db.select().from(incidents).where(eq(incidents.id, incidentId));
  if (!row) return undefined;
  const from = row.openedAt;
  const until = row.resolvedAt ?? options.now ?? new Date();
  const insightRows = await readInsights(db, incidentId);
  const ids = insightRows.map((i) => i.id);
  // The window says when; the scope says what: only rows traced to this incident are its facts.
  const scope = incidentScope(incidentId, insightRows);
  const approvalFacts = await readApprovals(db, scope, from, until);
  return {
    incident: incidentFact(row),
    until,
    insights: insightRows,
    history: ids.length ? await readHistory(db, ids, from, until) : [],
    audit: await readAudit(db, scope, new Set(approvalFacts.map((a) => a.id)), from, until),
    approvals: approvalFacts,
    // A health check while the incident is open is about the incident: window only.
    doctorRuns: await readDoctorRuns(db, from, until),
    notes: (await readThreadNotes(db, incidentId)).map((n) => ({ ...n, actor: actorLabel(n.actor) })),
    changes: await readChanges(db, new Date(from.getTime() - CHANGES_BEFORE_MS), until),
  };
}

function incidentFact(row: typeof incidents.$inferSelect): IncidentFacts['incident'] {
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    origin: row.origin,
    openedBy: labelOf(row.openedBy),
    ...(row.resolvedBy ? { resolvedBy: labelOf(row.resolvedBy) } : {}),
    channel: row.channel,
    openedAt: row.openedAt,
    ...(row.mitigatedAt ? { mitigatedAt: row.mitigatedAt } : {}),
    ...(row.resolvedAt ? { resolvedAt: row.resolvedAt } : {}),
  };
}

async function readInsights(db: Db, incidentId: number): Promise<InsightFact[]> {
  const rows = await db
    .select({ insight: insights })
    .from(incidentInsights)
    .innerJoin(insights, eq(insights.id, incidentInsights.insightId))
    .where(eq(incidentInsights.incidentId, incidentId))
    .orderBy(asc(insights.firstSeenAt), asc(insights.id));
  return rows.map(({ insight: i }) => {
    const detection = StoredDetection.parse(i.detection);
    return {
      id: i.id,
      kind: i.kind,
      title: i.title,
      severity: i.severity,
      status: i.status,
      scope: i.scope,
      summary: detection.summary,
      ...(detection.detail ? { detail: detection.detail } : {}),
      facts: detection.facts,
      entities: detection.entities as Entity[],
      firstSeenAt: i.firstSeenAt,
      lastSeenAt: i.lastSeenAt,
      ...(i.resolvedAt ? { resolvedAt: i.resolvedAt } : {}),
    };
  });
}

async function readHistory(db: Db, ids: number[], from: Date, until: Date): Promise<HistoryFact[]> {
  const rows = await db
    .select()
    .from(insightHistory)
    .where(and(inArray(insightHistory.insightId, ids), gte(insightHistory.at, from), lte(insightHistory.at, until)))
    .orderBy(asc(insightHistory.at), asc(insightHistory.id));
  return rows.map((h) => ({ id: h.id, insightId: h.insightId, change: h.change, ...(h.actor ? { actor: labelOf(h.actor) } : {}), at: h.at }));
}

async function readAudit(db: Db, scope: IncidentScope, approvalIds: ReadonlySet<number>, from: Date, until: Date): Promise<AuditFact[]> {
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(gte(auditLog.at, from), lte(auditLog.at, until)))
    .orderBy(asc(auditLog.at), asc(auditLog.id));
  const subjects = await readSubjects(db, rows.flatMap((a) => (a.requestId === null ? [] : [a.requestId])));
  const belonging = rows.filter((a) => auditBelongs(scope, a, { subjects, approvalIds }));
  const contexts = await approvalContexts(db, belonging.map((a) => a.target));
  return belonging.map((a) => ({
      id: a.id,
      at: a.at,
      actor: labelOf(a.actor),
      action: a.action,
      target: a.target,
      outcome: a.outcome,
      ...(a.detail ? { detail: a.detail } : {}),
      ...(a.durationMs !== null ? { durationMs: a.durationMs } : {}),
      words: auditWords(a, contexts.get(a.target)),
    }));
}

/** What card each pressed button was on ('insight:42'), by action request id. */
async function readSubjects(db: Db, requestIds: number[]): Promise<Map<number, string | null>> {
  if (requestIds.length === 0) return new Map();
  const rows = await db
    .select({ id: actionRequests.id, subject: actionRequests.subject })
    .from(actionRequests)
    .where(inArray(actionRequests.id, [...new Set(requestIds)]));
  return new Map(rows.map((r) => [r.id, r.subject]));
}

async function readApprovals(db: Db, scope: IncidentScope, from: Date, until: Date): Promise<ApprovalFact[]> {
  // Requested before the incident but decided during it still belongs to it.
  const inWindow = (column: typeof approvals.createdAt | typeof approvals.decidedAt) => and(gte(column, from), lte(column, until));
  const rows = await db
    .select()
    .from(approvals)
    .where(or(inWindow(approvals.createdAt), inWindow(approvals.decidedAt)))
    .orderBy(asc(approvals.createdAt), asc(approvals.id));
  return rows
    .filter((a) => approvalBelongs(scope, a))
    .map((a) => ({
      id: a.id,
      kind: a.kind,
      target: `${a.targetKind}:${a.targetId}`,
      status: a.status,
      rationale: a.rationale,
      words: approvalWords(gistOf(a), `${a.targetKind}:${a.targetId}`),
      requestedBy: labelOf(a.requestedBy),
      createdAt: a.createdAt,
      ...(a.decidedBy ? { decidedBy: labelOf(a.decidedBy) } : {}),
      ...(a.decidedAt ? { decidedAt: a.decidedAt } : {}),
      ...(a.outcome ? { outcome: a.outcome } : {}),
    }));
}

async function readDoctorRuns(db: Db, from: Date, until: Date): Promise<DoctorRunFact[]> {
  const rows = await db
    .select()
    .from(doctorRuns)
    .where(and(gte(doctorRuns.startedAt, from), lte(doctorRuns.startedAt, until)))
    .orderBy(asc(doctorRuns.startedAt), asc(doctorRuns.id));
  return rows.map((d) => ({
    id: d.id,
    requestedBy: labelOf(d.requestedBy),
    trigger: d.trigger,
    overall: d.overall,
    durationMs: d.durationMs,
    startedAt: d.startedAt,
    finishedAt: d.finishedAt,
  }));
}

/** How far before an incident opened a change still counts as a suspect: what changed in the hour before it broke. */
export const CHANGES_BEFORE_MS = 60 * 60 * 1000;

const ChangeAttributes = z.object({
  summary: z.string(),
  origin: z.string().optional(),
  affected: z.string().optional(),
  links: z.array(z.object({ href: z.string() })).optional(),
});

/** change.recorded events in the window, oldest first (events_type_occurred_idx finds them). */
async function readChanges(db: Db, from: Date, until: Date): Promise<ChangeFact[]> {
  const rows = await db
    .select({ occurredAt: events.occurredAt, source: events.source, attributes: events.attributes })
    .from(events)
    .where(and(eq(events.type, 'change.recorded'), gte(events.occurredAt, from), lte(events.occurredAt, until)))
    .orderBy(asc(events.occurredAt))
    .limit(50);
  return rows.flatMap((r) => {
    const a = ChangeAttributes.safeParse(r.attributes);
    if (!a.success) return [];
    const origin = a.data.origin ?? r.source;
    const url = a.data.links?.[0]?.href;
    return [{ at: r.occurredAt, summary: a.data.summary, origin, ...(a.data.affected ? { affected: a.data.affected } : {}), ...(url ? { url } : {}) }];
  });
}
