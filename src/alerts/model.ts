import { z } from 'zod';

/**
 * An alert from a monitor Triage does not own (Alertmanager, PagerDuty Events v2 senders,
 * Grafana): the attributes every alert source's parser writes on its alert.firing,
 * alert.acknowledged and alert.resolved events, so one catalog entry (external_alert) and one
 * board (src/alerts/board.ts) serve them all.
 *
 * Every field is optional in the vocabulary: events stored by an earlier release, and native
 * senders of alert.firing, carry only Alertmanager's fields; `normaliseAlert` fills the rest.
 */
export const AlertSeverity = z.enum(['critical', 'error', 'warning', 'info']);
export type AlertSeverity = z.infer<typeof AlertSeverity>;

const text = (max: number) => z.string().min(1).max(max);
// A pattern, not a refine: the intake's fast path compiles patterns (src/intake/fast-parse.ts).
// The card checks each link again before showing it (src/insights/catalog/external-alert.ts).
const url = z
  .string()
  .max(2000)
  .regex(/^https?:\/\/[^\s<>"|]+$/i, 'must be an http(s) URL');

export const AlertLink = z.object({ href: url, text: z.string().max(300).optional() });
export type AlertLink = z.infer<typeof AlertLink>;
export const AlertImage = z.object({ src: url, href: url.optional(), alt: z.string().max(300).optional() });
export type AlertImage = z.infer<typeof AlertImage>;

export const ALERT_EVENT_TYPES = ['alert.firing', 'alert.acknowledged', 'alert.resolved'] as const;
export type AlertEventType = (typeof ALERT_EVENT_TYPES)[number];
export type AlertStatus = 'triggered' | 'acknowledged' | 'resolved';
export const STATUS_OF: Record<AlertEventType, AlertStatus> = {
  'alert.firing': 'triggered',
  'alert.acknowledged': 'acknowledged',
  'alert.resolved': 'resolved',
};

/** The normalised fields (all optional here; see the module comment). */
export const AlertFields = {
  /** Which sender: 'alertmanager', 'grafana', or 'pagerduty:<source name from config>'; no "/" (the card scope is origin/key). */
  origin: text(100)
    .regex(/^[^/]+$/, 'must not contain "/"')
    .optional(),
  /** The sender's dedup key: one card per origin and key. */
  key: text(255).optional(),
  summary: text(1024).optional(),
  severity: AlertSeverity.optional(),
  /** PagerDuty's payload.source: the affected system (host, service). */
  affected: text(255).optional(),
  component: text(255).optional(),
  group: text(255).optional(),
  class: text(255).optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  links: z.array(AlertLink).max(20).optional(),
  images: z.array(AlertImage).max(10).optional(),
  /** When the sender says the alert ends by itself if not sent again (Alertmanager's endsAt). */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  /** Who acknowledged or resolved it, where the sender says. */
  by: text(200).optional(),
};

/** One alert as the board holds it: the newest state per origin and key. */
export type BoardAlert = {
  origin: string;
  key: string;
  status: AlertStatus;
  summary: string;
  severity: AlertSeverity;
  affected?: string;
  component?: string;
  group?: string;
  class?: string;
  details?: Record<string, unknown>;
  links: AlertLink[];
  images: AlertImage[];
  expiresAt?: string;
  by?: string;
  /** When the alert was first triggered (this episode), and when its state last changed. */
  triggeredAt: string;
  updatedAt: string;
};

/** The card scope of an alert: unique per origin and dedup key. */
export const alertScope = (a: { origin: string; key: string }): string => `${a.origin}/${a.key}`;
