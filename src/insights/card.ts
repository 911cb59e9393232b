import type { Card, CardAction } from '../chat/card.js';
import type { ActionSpec, CatalogEntry } from './catalog/entry.js';
import type { Insight } from './insight.js';
import { utcClock } from '../clock.js';

export type ActionIdFor = (spec: ActionSpec, insight: Insight) => string;

/**
 * Something a person did from this card (or asked for from it), drawn on the card itself: a line
 * saying who did what, when and how it ended; the card's own buttons it makes pointless (a
 * running Restart, Approve once decided); the buttons it brings (Retry, the request's own
 * Approve and Deny). Built by src/actions/insight-acts.ts; the card only draws it.
 */
export type CardAct = { line: string; hide: string[]; add: CardAction[] };

const STATE_NOTE: Partial<Record<Insight['status'], (i: Insight, acted: boolean) => string>> = {
  // "Automatically" only when nobody did anything: after an approved override it cleared because of it.
  resolved: (i, acted) => `✅ Resolved ${acted ? '' : 'automatically '}at ${time(i.resolvedAt)}: the condition cleared.`,
  dismissed: (i) => `Dismissed by ${i.dismissedBy ?? 'someone'} at ${time(i.dismissedAt)}; silenced until ${time(i.suppressedUntil)}.`,
  acknowledged: (i) => `Acknowledged by ${i.acknowledgedBy ?? 'someone'}.`,
};

/**
 * The card for an insight, in the seed's shape: severity and category, the summary, the affected
 * entities, the buttons that fix it. Resolved and dismissed cards keep their content but lose
 * their buttons, so nobody restarts a runtime from a stale card.
 */
export function insightCard(entry: CatalogEntry | undefined, insight: Insight, actionIdFor: ActionIdFor, acts: readonly CardAct[] = []): Card {
  const d = insight.detection;
  const live = insight.status === 'open' || insight.status === 'acknowledged';
  const hidden = new Set(acts.flatMap((a) => a.hide));
  const specs = live && entry ? withAcknowledge(entry.actions(d as never), insight).filter((s) => !hidden.has(s.action)) : [];
  const own: CardAction[] = specs.map((spec) => ({
    id: actionIdFor(spec, insight),
    label: spec.label,
    style: spec.style ?? 'default',
    ...(spec.confirm
      ? { confirm: { title: `${spec.label}?`, text: spec.confirm, confirmLabel: spec.label, denyLabel: 'Cancel' } }
      : {}),
  }));
  // The act's buttons lead (Retry, Approve): they are what the card is waiting for.
  const actions = live ? [...acts.flatMap((a) => a.add), ...own] : [];
  const note = STATE_NOTE[insight.status]?.(insight, acts.length > 0);
  // A kind with no fixing button (its fix is not Triage's to make) carries its runbook instead.
  const steps = live && entry?.noFixBecause !== undefined ? ['What to do:', ...entry.runbook.map((line, i) => `${i + 1}. ${line}`)] : [];
  return {
    title: insight.title,
    severity: insight.severity,
    category: insight.category,
    state: insight.status,
    text: [d.summary, d.detail, ...steps, ...acts.map((a) => a.line), note].filter(Boolean).join('\n'),
    fields: d.fields ?? [],
    entities: d.entities,
    actions,
    ...(d.links?.length ? { links: d.links } : {}),
    context: `Seen ${insight.count} time${insight.count === 1 ? '' : 's'} · first ${time(insight.firstSeenAt)} · last ${time(insight.lastSeenAt)}`,
  };
}

/** UTC clock time: one shared clock for an incident channel spanning time zones. */
function time(date: Date | null): string {
  return date ? utcClock(date) : '—';
}

/** An open insight offers Acknowledge before Dismiss: "someone is on it", seen by the channel. */
function withAcknowledge(specs: ActionSpec[], insight: Insight): ActionSpec[] {
  if (insight.status !== 'open' || specs.some((s) => s.action === 'acknowledge')) return specs;
  const dismissAt = specs.findIndex((s) => s.action === 'dismiss');
  const at = dismissAt === -1 ? specs.length : dismissAt;
  return [...specs.slice(0, at), { action: 'acknowledge', label: 'Acknowledge' }, ...specs.slice(at)];
}
