import { z } from 'zod';
import type { BoardAlert } from '../../alerts/model.js';
import { alertScope } from '../../alerts/model.js';
import { utcClock } from '../../clock.js';
import type { Severity } from '../../chat/card.js';
import { defineEntry, type Detection } from './entry.js';
import { dismiss } from './helpers.js';

/** A sender's severity on Triage's three-step scale: PagerDuty's "error" pages like "critical". */
const SEVERITY: Record<BoardAlert['severity'], Severity> = { critical: 'critical', error: 'critical', warning: 'warning', info: 'info' };

/** How many of the sender's custom details the card quotes (the rest stay in the sender's tool). */
const MAX_DETAILS = 6;

const ORIGIN_WORDS: Record<string, string> = { alertmanager: 'Alertmanager', grafana: 'Grafana' };
export const originWords = (origin: string): string =>
  ORIGIN_WORDS[origin] ?? (origin.startsWith('pagerduty:') ? `${origin.slice('pagerduty:'.length)} (PagerDuty Events v2)` : origin);

/**
 * An alert from a monitor the team already runs (Alertmanager, Grafana, anything that speaks
 * PagerDuty Events v2: Langfuse, LangSmith, LiteLLM, Datadog, Sentry...): one card per sender and
 * dedup key, updated in place when the sender acknowledges it, cleared when it resolves it. Its
 * state is the alert board's (src/alerts/board.ts), not the six-hour window's.
 */
export default defineEntry({
  kind: 'external_alert',
  source: 'integrations',
  name: 'External alert',
  severity: 'warning',
  category: 'operational',
  thresholds: z.object({}),
  detect({ alerts }) {
    return alerts.map(detectionOf);
  },
  title: (d) => `${String(d.facts?.summary ?? d.summary)}`.slice(0, 150),
  actions: (d) => [
    { action: 'resolve_alert', label: 'Resolve', target: d.entities[0]!, style: 'primary', confirm: `Mark this alert resolved in Triage? ${String(d.facts?.sender ?? 'The sender')} is not told: if it still fires, its next notification opens a new card.` },
    dismiss,
  ],
  runbook: [
    'Open the source link on the card: the sender knows what fired and why.',
    'Acknowledge the card so the channel knows someone is on it.',
    'Fix the cause; the sender resolves the alert, and the card clears by itself.',
    'Resolve it here only when the sender cannot (it will not send a resolve).',
  ],
  preventiveTicket: {
    title: 'Make the alert actionable from its card',
    description: 'An external alert reached on-call without a runbook link or a dedup key that lets it resolve itself.',
    deliverables: ['Runbook link in the alert', 'A resolve sent when the condition clears', 'Severity mapped to paging policy'],
    labels: ['alerting'],
  },
  causedBy: [],
  recoveryRank: 50,
});

function detectionOf(alert: BoardAlert): Detection {
  const scope = alertScope(alert);
  const sender = originWords(alert.origin);
  const acknowledged = alert.status === 'acknowledged';
  // Empty details (Alertmanager's `resolved: ""` on a firing alert) say nothing on a card.
  const details = Object.entries(alert.details ?? {})
    .filter(([, value]) => value !== '' && value !== null && value !== undefined)
    .slice(0, MAX_DETAILS);
  return {
    scope,
    severity: SEVERITY[alert.severity],
    summary: alert.summary,
    detail: acknowledged
      ? `Acknowledged in ${sender}${alert.by ? ` by ${alert.by}` : ''}; still open there.`
      : `Triggered in ${sender} at ${utcClock(new Date(alert.triggeredAt))}.`,
    entities: [{ kind: 'alert', id: scope, label: alert.summary.slice(0, 100) }],
    fields: [
      { label: 'Source', value: sender },
      { label: 'Severity', value: alert.severity },
      ...(alert.affected ? [{ label: 'Affected', value: alert.affected }] : []),
      ...(alert.component ? [{ label: 'Component', value: alert.component }] : []),
      ...(alert.group ? [{ label: 'Group', value: alert.group }] : []),
      ...(alert.class ? [{ label: 'Class', value: alert.class }] : []),
      ...details.map(([label, value]) => ({ label, value: (typeof value === 'string' ? value : JSON.stringify(value)).slice(0, 300) })),
    ],
    facts: { summary: alert.summary, sender, status: alert.status, key: alert.key },
    links: [
      ...alert.links.map((l) => ({ text: l.text || hostOf(l.href), url: l.href })),
      ...alert.images.filter((i) => i.href).map((i) => ({ text: i.alt || 'Graph', url: i.href! })),
    ]
      .filter((l) => URL.canParse(l.url))
      .slice(0, 10),
  };
}

const hostOf = (href: string): string => {
  try {
    return new URL(href).host;
  } catch {
    return 'Link';
  }
};
