import { AlertImage, AlertLink, type AlertSeverity } from '../alerts/model.js';
import type { EventEnvelope } from '../events/envelope.js';

/*
 * Helpers every alert source's parser shares to fill the normalised fields of src/alerts/model.ts
 * (Alertmanager, Grafana, PagerDuty Events v2): what a sender gets wrong in a decoration (a link
 * that is not a URL, an over-long label) is dropped or cut, never a reason to lose the alert.
 */

/** Alertmanager and Grafana carry severity as a free label; Prometheus rules commonly say 'page' or 'high' for critical. */
const SEVERITY_WORDS: Record<string, AlertSeverity> = {
  critical: 'critical',
  page: 'critical',
  high: 'critical',
  error: 'error',
  warning: 'warning',
  info: 'info',
};

/** labels.severity → the four PagerDuty severities; absent or unknown → warning (worth a look, not a page). */
export function severityFromLabel(value: string | undefined): AlertSeverity {
  return (value !== undefined && SEVERITY_WORDS[value.trim().toLowerCase()]) || 'warning';
}

/**
 * `text` cut to `max` UTF-16 units. A cut between the halves of a surrogate pair would leave an
 * unpaired half, which PostgreSQL's jsonb cannot store (src/http/storable-text.ts): that half goes too.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** A non-blank string cut to `max`, or undefined: for optional display fields. */
export function textField(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return clip(value, max);
}

/** The candidates that are http(s) URLs, as links; at most 20 (the card's limit in src/alerts/model.ts). */
export function validLinks(candidates: ReadonlyArray<{ href?: unknown; text?: unknown }>): AlertLink[] {
  const links: AlertLink[] = [];
  for (const candidate of candidates) {
    const text = typeof candidate.text === 'string' && candidate.text !== '' ? clip(candidate.text, 300) : undefined;
    const parsed = AlertLink.safeParse({ href: candidate.href, ...(text === undefined ? {} : { text }) });
    if (parsed.success) links.push(parsed.data);
    if (links.length === 20) break;
  }
  return links;
}

/** The candidates whose src (and href, when given) are http(s) URLs; at most 10. */
export function validImages(candidates: ReadonlyArray<{ src?: unknown; href?: unknown; alt?: unknown }>): AlertImage[] {
  const images: AlertImage[] = [];
  for (const candidate of candidates) {
    const href = AlertLink.shape.href.safeParse(candidate.href);
    const alt = typeof candidate.alt === 'string' && candidate.alt !== '' ? clip(candidate.alt, 300) : undefined;
    const parsed = AlertImage.safeParse({ src: candidate.src, ...(href.success ? { href: href.data } : {}), ...(alt === undefined ? {} : { alt }) });
    if (parsed.success) images.push(parsed.data);
    if (images.length === 10) break;
  }
  return images;
}

/** Alertmanager and Grafana write endsAt as Go's zero time while an alert fires with no end in sight. */
export const isZeroTime = (timestamp: string): boolean => timestamp.startsWith('0001-');

/** An RFC 3339 timestamp as ISO 8601 UTC, or undefined when it is not one a Date can hold in four-digit years. */
export function isoTimestamp(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  const iso = new Date(ms).toISOString();
  return /^\d{4}-/.test(iso) ? iso : undefined;
}

/**
 * When a firing alert ends by itself unless sent again: Alertmanager's endsAt (Prometheus resends
 * firing alerts with a fresh endsAt; one that stops being resent is over). Resolved, or the zero
 * time: no expiry.
 */
export function firingExpiry(status: 'firing' | 'resolved', endsAt: string | undefined): string | undefined {
  if (status !== 'firing' || endsAt === undefined || isZeroTime(endsAt)) return undefined;
  return isoTimestamp(endsAt);
}

/** What an alert says about itself, in the order people write it: summary, then description, then its name. */
export function alertSummary(annotations: Record<string, string>, fallback: string): string {
  const said = [annotations.summary, annotations.description].find((s) => s !== undefined && s.trim() !== '');
  return clip(said ?? fallback, 1024);
}

/** An alert in Alertmanager's webhook shape, which Grafana's webhook shares. */
export type LabelledAlert = {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string | undefined;
  generatorURL?: string | undefined;
  fingerprint: string;
};

/**
 * The event of one Alertmanager-shaped alert (Alertmanager's own, Grafana's): its own fields kept
 * as stored before, the normalised ones (src/alerts/model.ts) beside them. The id is the
 * fingerprint + status + startsAt (behind `idPrefix`): a resend on every repeat interval is a
 * duplicate, a resolution or a new firing of the same series is new.
 */
export function labelledAlertEvent(
  alert: LabelledAlert,
  from: { origin: string; idPrefix: string; summaryFallback: string; links: AlertLink[]; images?: AlertImage[]; details?: Record<string, unknown> },
): EventEnvelope {
  const resolved = alert.status === 'resolved';
  const at = resolved && alert.endsAt && !isZeroTime(alert.endsAt) ? alert.endsAt : alert.startsAt;
  const expiresAt = firingExpiry(alert.status, alert.endsAt);
  const alertname = alert.labels.alertname;
  return {
    id: `${from.idPrefix}${alert.fingerprint}:${alert.status}:${alert.startsAt}`,
    type: resolved ? 'alert.resolved' : 'alert.firing',
    source: from.origin,
    occurredAt: isoTimestamp(at) ?? new Date(at).toISOString(),
    attributes: {
      ...(alertname ? { alertname } : {}),
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: alert.startsAt,
      ...(alert.endsAt ? { endsAt: alert.endsAt } : {}),
      ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
      fingerprint: alert.fingerprint,
      origin: from.origin,
      key: clip(alert.fingerprint, 255),
      summary: alertSummary(alert.annotations, from.summaryFallback),
      severity: severityFromLabel(alert.labels.severity),
      ...(from.links.length ? { links: from.links } : {}),
      ...(from.images?.length ? { images: from.images } : {}),
      ...(from.details && Object.keys(from.details).length ? { details: from.details } : {}),
      ...(expiresAt ? { expiresAt } : {}),
    },
  };
}
