import { and, desc, eq, inArray, isNotNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import { Actor } from '../actor.js';
import type { Db } from '../db/client.js';
import { doctorRuns } from '../db/schema/doctor.js';
import { incidents } from '../db/schema/incidents.js';
import { insightHistory, insights } from '../db/schema/insights.js';
import { approvalContexts } from './context.js';
import { readAuditRows, type AuditOutcome, type StoredAudit } from './log.js';
import { auditWords, insightDecisionWords } from './words.js';

/**
 * What /audit lists: every audit_log row, and the decisions people took that other tables keep
 * (a Dismiss or Acknowledge in insight_history, an incident declared or resolved, a Doctor run
 * asked for), each with its sentence. Composed when read, so no writer changes and rows written
 * by an older release read in words too.
 */
// Listed, not spread from AuditOutcome: log.ts re-exports this module, so its values are not there yet at load.
export const FeedOutcome = z.enum(['refused', 'started', 'succeeded', 'failed', 'duplicate', 'busy', 'requested', 'approved', 'denied', 'escalated', 'dismissed', 'acknowledged', 'declared', 'resolved', 'ran']);
export type FeedOutcome = z.infer<typeof FeedOutcome>;
// Every outcome a writer records is one the feed shows.
export type _OutcomesFit = AuditOutcome extends FeedOutcome ? true : never;

export type AuditRecord = Omit<StoredAudit, 'outcome'> & {
  outcome: FeedOutcome;
  /** The sentence without its subject: "approved a +$5.00 budget override for routine …". */
  words: string;
};

const MINUTE = 60_000;

/** Newest first, at most `limit`, from every source merged by time. */
export async function latestAudit(db: Db, limit: number): Promise<AuditRecord[]> {
  const [rows, decisions, declared, doctor] = await Promise.all([readAuditRows(db, limit), insightDecisions(db, limit), incidentDecisions(db, limit), doctorRunsAsked(db, limit)]);
  const contexts = await approvalContexts(db, rows.map((r) => r.target));
  const audited = rows.map((r): AuditRecord => ({ ...r, words: auditWords(r, contexts.get(r.target)) }));
  return [...audited, ...decisions, ...declared, ...doctor]
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.at.getTime() - a.r.at.getTime() || a.i - b.i)
    .slice(0, limit)
    .map(({ r }) => r);
}

const person = (json: unknown): Actor | undefined => {
  const parsed = Actor.safeParse(json);
  return parsed.success && parsed.data.platform !== 'system' && parsed.data.platform !== 'cron' ? parsed.data : undefined;
};

const entry = (at: Date, actor: Actor, action: string, target: string, outcome: FeedOutcome, words: string, durationMs: number | null = null): AuditRecord => ({
  id: 0,
  at,
  actor,
  action,
  target,
  outcome,
  detail: null,
  durationMs,
  requestId: null,
  words,
});

/** Dismiss and Acknowledge: the history row has who and when, the insight its title and how long it is silenced. */
async function insightDecisions(db: Db, limit: number): Promise<AuditRecord[]> {
  const rows = await db
    .select({ at: insightHistory.at, change: insightHistory.change, actor: insightHistory.actor, id: insights.id, title: insights.title, dismissedAt: insights.dismissedAt, suppressedUntil: insights.suppressedUntil })
    .from(insightHistory)
    .innerJoin(insights, eq(insights.id, insightHistory.insightId))
    .where(and(isNotNull(insightHistory.actor), inArray(insightHistory.change, ['dismissed', 'acknowledged'])))
    .orderBy(desc(insightHistory.at), desc(insightHistory.id))
    .limit(limit);
  return rows.flatMap((r) => {
    const actor = person(r.actor);
    if (!actor) return [];
    // The insight keeps only its latest dismissal; an earlier one's length is not known any more.
    const latest = r.change === 'dismissed' && r.dismissedAt?.getTime() === r.at.getTime() && r.suppressedUntil;
    const minutes = latest ? Math.round((r.suppressedUntil!.getTime() - r.at.getTime()) / MINUTE) : undefined;
    const change = r.change as 'dismissed' | 'acknowledged';
    return [entry(r.at, actor, change === 'dismissed' ? 'dismiss' : 'acknowledge', `insight:${r.id}`, change, insightDecisionWords(change, r.title, minutes))];
  });
}

/** Incidents declared or resolved by a person (the correlated ones Triage opens itself are not a person's act). */
async function incidentDecisions(db: Db, limit: number): Promise<AuditRecord[]> {
  const [opened, closed] = await Promise.all([
    db.select().from(incidents).where(eq(incidents.origin, 'declared')).orderBy(desc(incidents.openedAt)).limit(limit),
    db.select().from(incidents).where(isNotNull(incidents.resolvedAt)).orderBy(desc(incidents.resolvedAt)).limit(limit),
  ]);
  const declared = opened.flatMap((i) => {
    const actor = person(i.openedBy);
    return actor ? [entry(i.openedAt, actor, 'declare_incident', `incident:${i.id}`, 'declared', `declared incident #${i.id} "${i.title}"`)] : [];
  });
  const resolved = closed.flatMap((i) => {
    const actor = person(i.resolvedBy);
    return actor && i.resolvedAt ? [entry(i.resolvedAt, actor, 'resolve_incident', `incident:${i.id}`, 'resolved', `resolved incident #${i.id} "${i.title}"`)] : [];
  });
  return [...declared, ...resolved];
}

const StoredCounts = z.object({ counts: z.string() });

/** Doctor runs a person asked for (the daily schedule's are Triage's own). */
async function doctorRunsAsked(db: Db, limit: number): Promise<AuditRecord[]> {
  const rows = await db.select().from(doctorRuns).where(ne(doctorRuns.trigger, 'schedule')).orderBy(desc(doctorRuns.startedAt)).limit(limit);
  return rows.flatMap((d) => {
    const actor = person(d.requestedBy);
    if (!actor) return [];
    const counts = StoredCounts.safeParse(d.report);
    const words = `ran Doctor (run #${d.id}): ${d.overall}${counts.success ? ` (${counts.data.counts})` : ''}`;
    return [entry(d.startedAt, actor, 'run_doctor', `doctor_run:${d.id}`, 'ran', words, d.durationMs)];
  });
}

