import { z } from 'zod';
import type { EventEnvelope } from '../events/envelope.js';

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
 */
export function alertToEvent(alert: AlertmanagerAlert): EventEnvelope {
  const resolved = alert.status === 'resolved';
  const at = resolved && alert.endsAt && !alert.endsAt.startsWith('0001-') ? alert.endsAt : alert.startsAt;
  return {
    id: `${alert.fingerprint}:${alert.status}:${alert.startsAt}`,
    type: resolved ? 'alert.resolved' : 'alert.firing',
    source: 'alertmanager',
    occurredAt: new Date(at).toISOString(),
    attributes: {
      alertname: alert.labels.alertname,
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: alert.startsAt,
      ...(alert.endsAt ? { endsAt: alert.endsAt } : {}),
      ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
      fingerprint: alert.fingerprint,
    },
  };
}
