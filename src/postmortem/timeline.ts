import type { Db } from '../db/client.js';
import { insightDecisionWords } from '../audit/words.js';
import { gatherFacts, type IncidentFacts } from './facts.js';
import { originWords } from '../insights/catalog/external-alert.js';

/**
 * What happened during an incident, in order, with who did it: insights opening and changing,
 * Doctor runs, actions and approvals. Built from the same facts as the minutes.
 */
export type TimelineEntry = { at: Date; kind: 'incident' | 'insight' | 'doctor' | 'action' | 'approval' | 'note' | 'change'; actor?: string; text: string };

const words = (s: string): string => s.replace(/_/g, ' ');
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function incidentEntries({ incident }: IncidentFacts): TimelineEntry[] {
  const entries: TimelineEntry[] = [{ at: incident.openedAt, kind: 'incident', actor: incident.openedBy, text: `Incident opened (${incident.origin}): ${incident.title}` }];
  if (incident.mitigatedAt) entries.push({ at: incident.mitigatedAt, kind: 'incident', text: 'Incident mitigated: all its insights resolved' });
  if (incident.resolvedAt) entries.push({ at: incident.resolvedAt, kind: 'incident', ...(incident.resolvedBy ? { actor: incident.resolvedBy } : {}), text: 'Incident resolved' });
  return entries;
}

function insightEntries(facts: IncidentFacts): TimelineEntry[] {
  const byId = new Map(facts.insights.map((i) => [i.id, i]));
  const opened = facts.insights.map((i): TimelineEntry => ({ at: i.firstSeenAt, kind: 'insight', text: `Insight opened (${i.severity}): ${i.title}` }));
  // 'opened' is already the insight's first-seen time; later changes come from its history. A
  // person's change reads as what they did ("dismissed …"), beside their name; Triage's as what happened.
  const changes = facts.history
    .filter((h) => h.change !== 'opened')
    .map((h): TimelineEntry => {
      const title = byId.get(h.insightId)?.title ?? `#${h.insightId}`;
      return h.actor
        ? { at: h.at, kind: 'insight', actor: h.actor, text: insightDecisionWords(h.change, title) }
        : { at: h.at, kind: 'insight', text: `Insight ${words(h.change)}: ${title}` };
    });
  return [...opened, ...changes];
}

function otherEntries(facts: IncidentFacts): TimelineEntry[] {
  const doctor = facts.doctorRuns.map((d): TimelineEntry => ({
    at: d.startedAt,
    kind: 'doctor',
    actor: d.requestedBy,
    text: `ran Doctor (${d.trigger}, run #${d.id}): ${d.overall} in ${seconds(d.durationMs)}`,
  }));
  // Approval decisions are audited too; the audit row carries the decision, this the request.
  // Texts are sentences without their subject: the timeline shows who beside them.
  const approvals = facts.approvals.map((a): TimelineEntry => ({
    at: a.createdAt,
    kind: 'approval',
    actor: a.requestedBy,
    text: `asked for ${a.words} (${a.rationale})`,
  }));
  const actions = facts.audit.map((a): TimelineEntry => ({
    at: a.at,
    kind: ['approved', 'denied', 'requested'].includes(a.outcome) ? 'approval' : 'action',
    actor: a.actor,
    text: `${a.words}${a.durationMs !== undefined ? `, took ${seconds(a.durationMs)}` : ''}`,
  }));
  return [...doctor, ...approvals, ...actions];
}

/** What people wrote in the thread, beside their name, as they wrote it (the renderers escape it). */
const noteEntries = (facts: IncidentFacts): TimelineEntry[] =>
  (facts.notes ?? []).map((n) => ({ at: n.at, kind: 'note', actor: n.actor, text: `${oneLine(n.text)}${n.edited ? ' (edited)' : ''}` }));

/** A change another tool reported (a deploy, a config change): beside the tool that reported it. */
const changeEntries = (facts: IncidentFacts): TimelineEntry[] =>
  (facts.changes ?? []).map((c) => ({ at: c.at, kind: 'change', actor: originWords(c.origin), text: `changed: ${oneLine(c.summary)}${c.affected ? ` (${c.affected})` : ''}` }));

/** A note keeps its words but not its line breaks: one timeline line each. */
export const oneLine = (text: string, max = 500): string => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** Pure: the same facts give the same timeline; ties in time keep the kinds' order above. */
export function timelineOf(facts: IncidentFacts): TimelineEntry[] {
  const entries = [...changeEntries(facts), ...incidentEntries(facts), ...insightEntries(facts), ...otherEntries(facts), ...noteEntries(facts)];
  return entries.map((e, i) => ({ e, i })).sort((a, b) => a.e.at.getTime() - b.e.at.getTime() || a.i - b.i).map(({ e }) => e);
}

export async function incidentTimeline(db: Db, incidentId: number, options: { now?: Date } = {}): Promise<TimelineEntry[]> {
  const facts = await gatherFacts(db, incidentId, options);
  return facts ? timelineOf(facts) : [];
}
