import { z } from 'zod';
import { checkEvent, type AcceptedEvent, type EventEnvelope, type EventProblem } from '../events/envelope.js';
import { clip, isoTimestamp, labelledAlertEvent, validImages, validLinks } from './alert-fields.js';

/*
 * Grafana alerting's webhook contact point (unified alerting, payload version "1"): Alertmanager's
 * webhook shape plus Grafana's own links (silence, dashboard, panel) and the query values that
 * fired the rule. Each alert becomes one event with origin 'grafana' and the alert's fingerprint as
 * its key, so one card follows one alert instance from firing to resolved.
 */
const stringMap = z.record(z.string(), z.string());
const timestamp = z
  .string()
  .max(64)
  .refine((s) => isoTimestamp(s) !== undefined, 'must be an RFC 3339 timestamp');
const optionalText = z.string().max(10_000).optional();

export const GrafanaAlert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: stringMap.default({}),
  annotations: stringMap.default({}),
  startsAt: timestamp,
  endsAt: timestamp.optional(),
  generatorURL: optionalText,
  // Grafana's are 16 hex digits; the bound keeps the event id within its 200 characters.
  fingerprint: z.string().min(1).max(100),
  silenceURL: optionalText,
  dashboardURL: optionalText,
  panelURL: optionalText,
  imageURL: optionalText,
  values: z.record(z.string(), z.unknown()).nullish(),
  valueString: optionalText,
});
export type GrafanaAlert = z.infer<typeof GrafanaAlert>;

export const GrafanaWebhook = z.object({
  receiver: z.string().optional(),
  status: z.enum(['firing', 'resolved']).optional(),
  orgId: z.number().optional(),
  alerts: z.array(GrafanaAlert).min(1, 'must contain at least one alert'),
  groupLabels: stringMap.nullish(),
  commonLabels: stringMap.nullish(),
  commonAnnotations: stringMap.nullish(),
  externalURL: z.string().optional(),
  // Grafana has sent "1" since unified alerting began; a later version is read the same way rather than refused.
  version: z.string().optional(),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().min(0).optional(),
  title: z.string().optional(),
  state: z.string().optional(),
  message: z.string().optional(),
});
export type GrafanaWebhook = z.infer<typeof GrafanaWebhook>;

export type GrafanaParsed = { ok: true; events: AcceptedEvent[] } | { ok: false; message: string; problems: EventProblem[] };

/** The webhook's alerts as events, all or none: a payload with one bad alert is refused whole. */
export function parseGrafanaWebhook(body: unknown): GrafanaParsed {
  const parsed = GrafanaWebhook.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({
      index: i.path[0] === 'alerts' && typeof i.path[1] === 'number' ? i.path[1] : -1,
      field: i.path.join('.') || '(body)',
      reason: i.message,
    }));
    return { ok: false, message: 'not a valid Grafana alerting webhook payload; nothing was stored', problems };
  }
  const events: AcceptedEvent[] = [];
  for (const [index, alert] of parsed.data.alerts.entries()) {
    const checked = checkEvent(grafanaAlertToEvent(alert, parsed.data), index);
    if (!checked.ok) return { ok: false, message: 'alert could not be translated; nothing was stored', problems: checked.problems };
    events.push(checked.event);
  }
  return { ok: true, events };
}

/**
 * Like Alertmanager's (src/intake/alertmanager.ts): the id is fingerprint + status + startsAt, so
 * Grafana's resend of a firing alert on every repeat interval is a duplicate, and its resolution,
 * or a new firing of the same instance, is new.
 */
export function grafanaAlertToEvent(alert: GrafanaAlert, webhook: Pick<GrafanaWebhook, 'title' | 'orgId'>): EventEnvelope {
  const links = validLinks([
    { href: alert.generatorURL, text: 'Source' },
    { href: alert.silenceURL, text: 'Silence' },
    { href: alert.dashboardURL, text: 'Dashboard' },
    { href: alert.panelURL, text: 'Panel' },
  ]);
  const images = validImages([{ src: alert.imageURL, ...(alert.panelURL ? { href: alert.panelURL } : {}) }]);
  const details = {
    ...(alert.values ? { values: alert.values } : {}),
    ...(alert.valueString ? { valueString: alert.valueString } : {}),
    ...(webhook.orgId !== undefined ? { orgId: webhook.orgId } : {}),
  };
  const summaryFallback = clip(alert.labels.alertname || webhook.title || 'Grafana alert', 1024);
  return labelledAlertEvent(alert, { origin: 'grafana', idPrefix: 'grafana:', summaryFallback, links, images, details });
}
