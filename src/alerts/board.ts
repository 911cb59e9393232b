import type { StoredEvent } from '../intake/event-writer.js';
import { ALERT_EVENT_TYPES, AlertSeverity, STATUS_OF, alertScope, type AlertEventType, type BoardAlert } from './model.js';

/**
 * The newest state of every external alert, per origin and dedup key: a fold of the alert events
 * the leader reads from the log, on top of what the previous leader saved (src/alerts/store.ts).
 * Newest wins by the sender's own time, so events arriving out of order (two replicas, a resend)
 * cannot reopen what was resolved after them.
 *
 * An alert leaves the board only when its sender resolves it, or when the expiry the sender stated
 * passes (Alertmanager's endsAt): unlike the other signals, a trigger older than the evaluator's
 * window does not resolve itself.
 */
export class AlertBoard {
  private readonly alerts = new Map<string, BoardAlert>();
  private readonly dirty = new Set<string>();

  /** What a previous leader saved: taken as is, and not saved again. */
  restore(saved: readonly BoardAlert[]): void {
    for (const alert of saved) {
      const scope = alertScope(alert);
      const held = this.alerts.get(scope);
      if (!held || at(held) <= at(alert)) this.alerts.set(scope, alert);
    }
  }

  /** Folds the alert events among `events` (others are ignored); answers whether anything changed. */
  apply(events: readonly StoredEvent[]): boolean {
    let changed = false;
    for (const event of events) {
      if (!isAlertEvent(event.type)) continue;
      const next = alertOf(event, event.type);
      if (!next) continue;
      const scope = alertScope(next);
      const held = this.alerts.get(scope);
      if (held && at(held) > at(next)) continue;
      if (held && at(held) === at(next) && held.status === next.status) continue;
      // One episode from trigger to resolve: an acknowledgement or a resend keeps its start.
      if (held && held.status !== 'resolved' && next.status !== 'resolved') next.triggeredAt = held.triggeredAt;
      if (held && next.status !== 'triggered') this.keepWhatTheUpdateLacks(next, held);
      delete next.summaryFromKey;
      delete next.severityDefaulted;
      this.alerts.set(scope, next);
      this.dirty.add(scope);
      changed = true;
    }
    return changed;
  }

  /** The alerts still open at `now`: not resolved, and not past an expiry their sender stated. */
  open(now: number): BoardAlert[] {
    const open: BoardAlert[] = [];
    for (const alert of this.alerts.values()) {
      if (alert.status === 'resolved') continue;
      if (alert.expiresAt && Date.parse(alert.expiresAt) <= now) continue;
      open.push(alert);
    }
    return open;
  }

  /** Alerts changed since the last call, to save; put back with `unsaved` when saving failed. */
  takeChanged(): BoardAlert[] {
    const changed = [...this.dirty].map((scope) => this.alerts.get(scope)!);
    this.dirty.clear();
    return changed;
  }

  unsaved(alerts: readonly BoardAlert[]): void {
    for (const alert of alerts) this.dirty.add(alertScope(alert));
  }

  /** An acknowledge or resolve may carry no summary or links (PagerDuty's don't): the trigger's stay. */
  private keepWhatTheUpdateLacks(next: Folded, held: BoardAlert): void {
    if (next.summaryFromKey) next.summary = held.summary;
    if (next.severityDefaulted) next.severity = held.severity;
    for (const field of ['affected', 'component', 'group', 'class', 'details', 'expiresAt'] as const) {
      if (next[field] === undefined && held[field] !== undefined) (next as Record<string, unknown>)[field] = held[field];
    }
    if (!next.links.length) next.links = held.links;
    if (!next.images.length) next.images = held.images;
  }
}

/** A state's time as an instant: senders write ISO times with any offset, so their text does not sort. */
const at = (alert: BoardAlert): number => Date.parse(alert.updatedAt);

const isAlertEvent = (type: string): type is AlertEventType => (ALERT_EVENT_TYPES as readonly string[]).includes(type);

type Folded = BoardAlert & { summaryFromKey?: boolean; severityDefaulted?: boolean };

/**
 * The normalised alert of one event. Events stored by an earlier release (and native senders of
 * alert.firing) carry only Alertmanager's fields: origin, key, summary and severity are derived
 * from those as the Alertmanager intake derives them now (src/intake/alertmanager.ts).
 */
export function alertOf(event: StoredEvent, type: AlertEventType): Folded | undefined {
  const a = event.attributes as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const labels = (a.labels ?? {}) as Record<string, string>;
  const annotations = (a.annotations ?? {}) as Record<string, string>;
  const key = str(a.key) ?? str(a.fingerprint) ?? str(a.alertname);
  if (!key) return undefined;
  const summary = str(a.summary) ?? str(annotations.summary) ?? str(annotations.description) ?? str(a.alertname);
  const severity = AlertSeverity.safeParse(a.severity ?? labels.severity);
  const folded: Folded = {
    // A native sender's source may hold "/", which separates origin from key in the card's scope.
    origin: str(a.origin) ?? event.source.replaceAll('/', '_'),
    key,
    status: STATUS_OF[type],
    summary: summary ?? key,
    severity: severity.success ? severity.data : 'warning',
    links: Array.isArray(a.links) ? (a.links as BoardAlert['links']) : [],
    images: Array.isArray(a.images) ? (a.images as BoardAlert['images']) : [],
    triggeredAt: event.occurredAt,
    updatedAt: event.occurredAt,
  };
  if (!summary) folded.summaryFromKey = true;
  if (!severity.success) folded.severityDefaulted = true;
  for (const field of ['affected', 'component', 'group', 'class', 'expiresAt', 'by'] as const) {
    const value = str(a[field]);
    if (value) folded[field] = value;
  }
  if (a.details && typeof a.details === 'object') folded.details = a.details as Record<string, unknown>;
  return folded;
}
