import { z } from 'zod';
import type { EventEnvelope } from '../events/envelope.js';
import { labelledAlertEvent, validLinks } from './alert-fields.js';

/** Prometheus Alertmanager's webhook payload, version 4 (its documented shape). */
const stringMap = z.record(z.string(), z.string());
const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an RFC 3339 timestamp');

export const AlertmanagerAlert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: stringMap.refine((l) => typeof l.alertname === 'string' && l.alertname.length > 0, 'must include alertname'),
  annotations: stringMap.default({}),
  startsAt: timestamp,
  endsAt: timestamp.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1),
});
export type AlertmanagerAlert = z.infer<typeof AlertmanagerAlert>;

export const AlertmanagerWebhook = z.object({
  version: z.literal('4', { message: 'only Alertmanager webhook payload version "4" is supported' }),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: stringMap.default({}),
  commonLabels: stringMap.default({}),
  commonAnnotations: stringMap.default({}),
  externalURL: z.string().optional(),
  alerts: z.array(AlertmanagerAlert).min(1, 'must contain at least one alert'),
});
export type AlertmanagerWebhook = z.infer<typeof AlertmanagerWebhook>;

/**
 * Each alert becomes one event. Alertmanager resends the same alert on every group interval,
 * so the idempotency key is fingerprint + status + startsAt: a resend is a duplicate, a
 * resolution or a new firing of the same series is new.
 *
 * Alertmanager's own fields are kept as they were stored before; the normalised fields every
 * alert source writes (src/alerts/model.ts) sit beside them. `externalURL` is the webhook's, for
 * the Silence link.
 */
export function alertToEvent(alert: AlertmanagerAlert, externalURL?: string): EventEnvelope {
  const links = validLinks([
    { href: alert.generatorURL, text: 'Source' },
    ...(externalURL ? [{ href: silenceUrl(externalURL, alert.labels), text: 'Silence' }] : []),
  ]);
  return labelledAlertEvent(alert, { origin: 'alertmanager', idPrefix: '', summaryFallback: alert.labels.alertname!, links });
}

/**
 * Alertmanager's UI opens a new silence prefilled from `filter`, a matcher list such as
 * {alertname="McpPoolExhausted", server="database-query"}: every label of the alert, so the
 * silence covers this series and no other.
 */
export function silenceUrl(externalURL: string, labels: Record<string, string>): string {
  const matchers = Object.keys(labels)
    .sort()
    .map((name) => `${name}="${labels[name]!.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return `${externalURL.replace(/\/+$/, '')}/#/silences/new?filter=${encodeURIComponent(`{${matchers.join(', ')}}`)}`;
}
