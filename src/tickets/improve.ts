import { findEntry } from '../insights/catalog/index.js';
import type { PreventiveTicket } from '../insights/catalog/entry.js';
import { ok, type Result } from '../result.js';
import { ticketRef, type Ticket, type TicketDraft, type TicketError, type Tickets } from './port.js';

/**
 * The improvement loop: an incident's failure kinds become preventive tickets from the catalog's
 * templates, deduplicated against the tickets already open, so resolving (or /improve) twice
 * files nothing new.
 */
export const IMPROVEMENT_LABELS = ['agent-improvement', 'self-improvement', 'reliability'];

export type FailureSignal = { kind: string; scope?: string; evidence: string };
export type ImproveInput = { incidentId: number; kinds: FailureSignal[] };
export type ImproveContext = {
  tickets: Tickets;
  /** Accepted for symmetry with other use cases; trackers take their own clock (builtinTickets(db, { now })). */
  now?: () => number;
};
export type Improvement = { created: Ticket[]; existing: Ticket[] };

/**
 * The fingerprint names the preventive measure, not the failure kind: in the seed, pool
 * exhaustion, retry storms and the paused routine all ask for one fix (#61 backoff), and the
 * runtime crash and its memory alert for another (#62). Derived from the template's title so it
 * stays stable across incidents whichever of those kinds shows up.
 */
export const ticketFingerprint = (template: Pick<PreventiveTicket, 'title'>): string =>
  template.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

type Group = { template: PreventiveTicket; signals: FailureSignal[] };

/** Kinds grouped by the ticket they suggest, in the order the incident named them. */
function groupByTicket(signals: FailureSignal[]): Group[] {
  const groups = new Map<string, Group>();
  for (const signal of signals) {
    const template = findEntry(signal.kind)?.preventiveTicket;
    if (!template) continue;
    const key = ticketFingerprint(template);
    const group = groups.get(key) ?? { template, signals: [] };
    group.signals.push(signal);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function draftFor(group: Group, incidentId: number): TicketDraft {
  const { template, signals } = group;
  const evidence = signals.map((s) => `- ${s.kind.replace(/_/g, ' ')}${s.scope ? ` (${s.scope})` : ''}: ${s.evidence}`);
  return {
    fingerprint: ticketFingerprint(template),
    title: template.title,
    description: [template.description, '', `Evidence from incident #${incidentId}:`, ...evidence].join('\n'),
    labels: [...new Set([...IMPROVEMENT_LABELS, ...(template.labels ?? [])])],
    ...(template.owner ? { owner: template.owner } : {}),
    deliverables: [...template.deliverables],
    incidentId,
  };
}

export async function improveFromIncident(ctx: ImproveContext, input: ImproveInput): Promise<Result<Improvement, TicketError>> {
  const drafts = groupByTicket(input.kinds).map((group) => draftFor(group, input.incidentId));
  if (drafts.length === 0) return ok({ created: [], existing: [] });
  const open = await ctx.tickets.findOpen(drafts.map((d) => d.fingerprint));
  if (!open.ok) return open;
  const openByFingerprint = new Map(open.value.map((t) => [t.fingerprint, t]));
  const created: Ticket[] = [];
  const existing: Ticket[] = [];
  // One at a time, in order: the tracker numbers them in the order the minutes rank the causes.
  for (const draft of drafts) {
    const found = openByFingerprint.get(draft.fingerprint);
    if (found) {
      existing.push(found);
      continue;
    }
    const filed = await ctx.tickets.create(draft);
    if (!filed.ok) return filed;
    created.push(filed.value);
  }
  return ok({ created, existing });
}

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
const line = (ticket: Ticket, note = ''): string => `• ${ticketRef(ticket)}: ${ticket.title}${note}${ticket.url ? ` — ${ticket.url}` : ''}`;

/** "3 improvement tickets created, 1 existing ticket found (deduped)", then one line per ticket. */
export function improvementSummary(result: Improvement): string {
  const { created, existing } = result;
  if (created.length === 0 && existing.length === 0) return 'No improvement tickets: none of the incident\'s failure signals has a preventive ticket in the catalog.';
  const head = `${count(created.length, 'improvement ticket', 'improvement tickets')} created, ${count(existing.length, 'existing ticket', 'existing tickets')} found (deduped)`;
  return [head, ...created.map((t) => line(t)), ...existing.map((t) => line(t, ' (already open)'))].join('\n');
}
