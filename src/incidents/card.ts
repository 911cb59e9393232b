import { actorLabel } from '../actor.js';
import { buildActionId } from '../chat/action-id.js';
import type { Card, CardField, CardState, Severity } from '../chat/card.js';
import type { InsightStatus } from '../insights/insight.js';
import { clock, duration, type Incident, type IncidentStatus } from './model.js';

export const INCIDENT_SUBJECT = 'incident';
export const RESOLVE_INCIDENT_ACTION = 'resolve_incident';

/** The outbox key of an incident's header card: one message, updated in place. */
export const incidentCardKey = (id: number): string => `incident:${id}`;

export type IncidentSummary = { insights: Array<{ id?: number; title: string; severity: Severity; status: InsightStatus }> };

const SEVERITY: Record<IncidentStatus, Severity> = { open: 'critical', mitigated: 'warning', resolved: 'info' };
// Cards have no 'mitigated' state: it stays live (open) until someone resolves it; the text says mitigated.
const STATE: Record<IncidentStatus, CardState> = { open: 'open', mitigated: 'open', resolved: 'resolved' };
const STATUS_WORD: Record<IncidentStatus, string> = { open: '🔴 Open', mitigated: '🩹 Mitigated', resolved: '✅ Resolved' };
const INSIGHT_WORD: Record<InsightStatus, string> = { open: 'open', acknowledged: 'acknowledged', resolved: 'resolved ✅', dismissed: 'dismissed' };

function text(incident: Incident, summary: IncidentSummary): string {
  const live = summary.insights.filter((i) => i.status === 'open' || i.status === 'acknowledged').length;
  switch (incident.status) {
    case 'open':
      if (summary.insights.length === 0) return 'Declared by hand. Everything about it goes in this thread.';
      return `${live} of ${summary.insights.length} insights still live. Recovery, Doctor runs and approvals go in this thread.`;
    case 'mitigated':
      return 'All its insights are resolved or dismissed. Resolve it when you are satisfied it is over: the post-mortem follows.';
    case 'resolved':
      return 'Resolved. The post-mortem minutes and the preventive tickets follow in this thread.';
  }
}

function fields(incident: Incident): CardField[] {
  const opened = incident.origin === 'correlated' ? 'by Triage (correlated critical insights)' : `by ${actorLabel(incident.openedBy)}`;
  const rows: CardField[] = [
    { label: 'State', value: STATUS_WORD[incident.status] },
    { label: 'Opened', value: `${clock(incident.openedAt)} ${opened}` },
  ];
  if (incident.mitigatedAt) {
    rows.push({ label: 'Mitigated', value: `${clock(incident.mitigatedAt)} (${duration(incident.openedAt, incident.mitigatedAt)} after opening)` });
  }
  if (incident.resolvedAt) {
    const by = incident.resolvedBy ? ` by ${actorLabel(incident.resolvedBy)}` : '';
    rows.push({ label: 'Resolved', value: `${clock(incident.resolvedAt)}${by}` });
    rows.push({ label: 'Duration', value: `${duration(incident.openedAt, incident.resolvedAt)} (${clock(incident.openedAt)} – ${clock(incident.resolvedAt)})` });
  }
  return rows;
}

/**
 * The incident's header card: its thread holds everything else. The Resolve button (with a
 * confirmation, since resolving starts the post-mortem) is there until it is resolved.
 */
export function incidentCard(incident: Incident, summary: IncidentSummary): Card {
  const subject = { kind: INCIDENT_SUBJECT, id: String(incident.id) };
  const actions =
    incident.status === 'resolved'
      ? []
      : [
          {
            id: buildActionId({ action: RESOLVE_INCIDENT_ACTION, subject }),
            label: 'Resolve',
            style: 'danger' as const,
            confirm: {
              title: `Resolve incident #${incident.id}?`,
              text: 'Resolving closes the incident and writes the post-mortem minutes and the preventive tickets.',
              confirmLabel: 'Resolve',
              denyLabel: 'Cancel',
            },
          },
        ];
  return {
    title: `🚨 Incident #${incident.id}: ${incident.title}`,
    severity: SEVERITY[incident.status],
    category: 'operational',
    state: STATE[incident.status],
    text: text(incident, summary),
    fields: fields(incident),
    entities: summary.insights.map((i, index) => ({
      kind: 'insight',
      id: String(i.id ?? index + 1),
      label: i.title,
      detail: `${i.severity} · ${INSIGHT_WORD[i.status]}`,
    })),
    actions,
    context: `incident #${incident.id} · ${incident.origin} · ${summary.insights.length} insight${summary.insights.length === 1 ? '' : 's'}`,
  };
}
