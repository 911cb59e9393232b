import { findEntry } from '../insights/catalog/index.js';
import type { AuditFact, IncidentFacts } from './facts.js';
import { countImpact, monitoringPlan, type ImpactCount } from './impact.js';
import { rankRootCauses, type CauseGroup, type Rank } from './root-causes.js';
import { oneLine } from './timeline.js';
import { originWords } from '../insights/catalog/external-alert.js';

/**
 * The seed's "Incident Post-Mortem", generated from the facts alone: no clock, no randomness, so
 * the same incident gives identical minutes (dates are ISO strings, plain JSON for the LLM too).
 */
export type RootCause = {
  rank: Rank;
  title: string;
  kinds: string[];
  cause: string;
  contributingFactor: string;
  impact: string[];
  prevention: string;
  owner?: string;
  runbook: string[];
};
export type ActionItem = { status: 'done' | 'open'; text: string; owner?: string; at?: string; url?: string };
export type Minutes = {
  incidentId: number;
  title: string;
  startedAt: string;
  endedAt: string;
  ongoing: boolean;
  duration: string;
  /** The paragraph an LLM may polish; everything else is data. */
  summary: string;
  impact: ImpactCount[];
  rootCauses: RootCause[];
  actionItems: ActionItem[];
  lessons: string[];
  followUp: string[];
  /** What people wrote in the incident thread, in order: "14:07 UTC Elena: rolled back the pool change". */
  thread?: string[];
  /** Changes other tools reported before it broke: "13:50 UTC deploy (PagerDuty Events v2): deployed planner v2.3". */
  changes?: string[];
  /** "deterministic minutes", or what polished or failed to polish the prose. */
  note: string;
};
export type TicketInput = { title: string; owner?: string; url?: string; status: string };

export const DETERMINISTIC = 'deterministic minutes';

export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'under 1 min';
  const hours = Math.floor(minutes / 60);
  return hours ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}

/** "14:32 UTC": every time in the minutes is UTC so readers in any zone agree. */
export const clockUtc = (iso: string): string => `${iso.slice(11, 16)} UTC`;

const words = (s: string): string => s.replace(/_/g, ' ');

function rootCause(group: CauseGroup): RootCause {
  const entry = findEntry(group.head.kind);
  const titles = (insights: Array<{ title: string }>): string[] => [...new Set(insights.map((i) => i.title))];
  return {
    rank: group.rank,
    title: entry?.name ?? words(group.head.kind),
    kinds: group.kinds,
    cause: [group.head.summary || group.head.title, group.head.detail].filter(Boolean).join(' '),
    contributingFactor: titles(group.upstream).join('; ') || 'None in the dependency map: a first cause (or an external one).',
    impact: titles(group.effects),
    prevention: entry ? entry.preventiveTicket.title : 'No preventive ticket in the catalog for this kind.',
    ...(entry?.preventiveTicket.owner ? { owner: entry.preventiveTicket.owner } : {}),
    runbook: entry?.runbook ?? [],
  };
}

/** Done items: actions that succeeded and decisions on approvals, with who and when. */
function doneItems(audit: AuditFact[]): ActionItem[] {
  return audit
    .filter((a) => ['succeeded', 'approved', 'denied'].includes(a.outcome))
    .map((a) => {
      const took = a.durationMs !== undefined ? `, took ${(a.durationMs / 1000).toFixed(1)} s` : '';
      // The owner is shown beside it: the words are what they did, as /audit says it.
      return { status: 'done' as const, owner: a.actor, at: a.at.toISOString(), text: `${a.words}${took}` };
    });
}

const openItems = (tickets: TicketInput[]): ActionItem[] =>
  tickets.map((t) => ({
    status: t.status === 'open' ? ('open' as const) : ('done' as const),
    text: t.title,
    ...(t.owner ? { owner: t.owner } : {}),
    ...(t.url ? { url: t.url } : {}),
  }));

function summaryOf(facts: IncidentFacts, impact: ImpactCount[], causes: RootCause[], duration: string, done: number): string {
  const start = facts.incident.openedAt.toISOString();
  const end = (facts.incident.resolvedAt ?? facts.until).toISOString();
  const critical = facts.insights.filter((i) => i.severity === 'critical').length;
  return [
    `${facts.incident.title}: ${facts.insights.length} insights (${critical} critical) from ${clockUtc(start)} to ${clockUtc(end)}${facts.incident.resolvedAt ? '' : ' (still open)'}, ${duration}.`,
    impact.length ? `Impact: ${impact.map((i) => `${i.count} ${i.label}`).join(', ')}.` : 'No impact counted.',
    causes[0] ? `Primary root cause: ${causes[0].title}; ${causes.length} contributing factor${causes.length === 1 ? '' : 's'} in all.` : '',
    `${done} recovery step${done === 1 ? '' : 's'} recorded in the audit log.`,
  ]
    .filter(Boolean)
    .join(' ');
}

/** The minutes' suspects: changes up to the moment the incident opened (the timeline shows the later ones too). */
const changesBefore = (facts: IncidentFacts) => (facts.changes ?? []).filter((c) => c.at <= facts.incident.openedAt);

export function generateMinutes(facts: IncidentFacts, options: { tickets?: TicketInput[] } = {}): Minutes {
  const end = facts.incident.resolvedAt ?? facts.until;
  const duration = formatDuration(end.getTime() - facts.incident.openedAt.getTime());
  const impact = countImpact(facts.insights);
  const groups = rankRootCauses(facts.insights);
  const rootCauses = groups.map(rootCause);
  const done = doneItems(facts.audit);
  // Lessons in root-cause order, so the primary cause's lessons come first.
  const lessons = [...new Set(groups.flatMap((g) => [g.head.kind, ...g.kinds]).flatMap((k) => findEntry(k)?.lessons ?? []))];
  return {
    incidentId: facts.incident.id,
    title: facts.incident.title,
    startedAt: facts.incident.openedAt.toISOString(),
    endedAt: end.toISOString(),
    ongoing: !facts.incident.resolvedAt,
    duration,
    summary: summaryOf(facts, impact, rootCauses, duration, done.length),
    impact,
    rootCauses,
    actionItems: [...done, ...openItems(options.tickets ?? [])],
    lessons,
    followUp: [...monitoringPlan(facts.insights), 'Daily check-ins for 1 week (monitor for recurrence).', 'Review preventive tickets in the next standup.'],
    ...(changesBefore(facts).length ? { changes: changesBefore(facts).map((c) => `${clockUtc(c.at.toISOString())} ${originWords(c.origin)}: ${oneLine(c.summary)}${c.affected ? ` (${c.affected})` : ''}${c.url ? ` ${c.url}` : ''}`) } : {}),
    ...(facts.notes?.length ? { thread: facts.notes.map((n) => `${clockUtc(n.at.toISOString())} ${n.actor}: ${oneLine(n.text)}`) } : {}),
    note: DETERMINISTIC,
  };
}

export { minutesCard, renderMarkdown } from './render.js';
