import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AlertSeverity } from '../alerts/model.js';
import { checkEvent, type AcceptedEvent, type EventEnvelope } from '../events/envelope.js';
import { clip, isoTimestamp, textField, validImages, validLinks } from './alert-fields.js';
import type { RoutingKeyLookup } from './alert-sources.js';

/*
 * PagerDuty Events API v2, wire-compatible: what monitors configured for PagerDuty (Alertmanager's
 * pagerduty_configs, Grafana, Langfuse, LiteLLM...) send to POST /v2/enqueue and
 * /v2/change/enqueue, answered in PagerDuty's words, so a sender pointed at Triage instead of
 * events.pagerduty.com sees what it expects: 202 with status, message and dedup_key; 400
 * "invalid event" with the list of errors ('payload.source' is missing or blank, Invalid routing
 * key), which PagerDuty's senders log and do not retry.
 */

/** PagerDuty's answer to an event it refuses (its Events API v2 reference, "Error"). */
export type PagerDutyError = { status: string; message: string; errors: string[] };
export const invalidEvent = (errors: string[]): PagerDutyError => ({ status: 'invalid event', message: 'Event object is invalid', errors });
/** PagerDuty's answer to a body that is not a JSON object (its reference's example error). */
export const unrecognizedObject = (error: string): PagerDutyError => ({ status: 'Unrecognized object', message: 'Event object format is unrecognized', errors: [error] });

export type PagerDutyRefusal = { ok: false; status: 400; reason: 'invalid_routing_key' | 'invalid_event'; answer: PagerDutyError };
export type PagerDutyParsed = { ok: true; event: AcceptedEvent; dedupKey: string } | PagerDutyRefusal;
export type PagerDutyContext = { now: Date; sourceFor: RoutingKeyLookup };

const refuse = (errors: string[], reason: PagerDutyRefusal['reason'] = 'invalid_event'): PagerDutyRefusal => ({ ok: false, status: 400, reason, answer: invalidEvent(errors) });

/** PagerDuty's error wording: the field in quotes, then what is wrong with it. */
const missing = 'is missing or blank';
// Characters as senders count them (Alertmanager cuts summary to 1024 runes), not UTF-16 units.
const characters = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};
const required = (max: number) =>
  z
    .string({ error: (iss) => (iss.input == null ? missing : 'must be a string') })
    .refine((s) => characters(s) <= max, `is too long (maximum is ${max} characters)`)
    .refine((s) => s.trim() !== '', missing);
const optionalString = (max: number) =>
  z.string({ error: 'must be a string' }).max(max, `is too long (maximum is ${max} characters)`).nullish();
const list = z.array(z.unknown(), { error: 'must be an array' }).nullish();
const object = <T extends z.ZodRawShape>(shape: T) => z.object(shape, { error: (iss) => (iss.input == null ? missing : 'must be an object') });

const Action = z.enum(['trigger', 'acknowledge', 'resolve'], {
  error: (iss) => (iss.input == null || iss.input === '' ? missing : 'is invalid (must be trigger, acknowledge or resolve)'),
});
const Severity = z
  .string({ error: (iss) => (iss.input == null ? missing : 'must be a string') })
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.enum(AlertSeverity.options, { error: (iss) => (iss.input === '' ? missing : 'is invalid (must be critical, error, warning or info)') }));

export const PagerDutyAlertEvent = z.object({
  event_action: Action,
  dedup_key: optionalString(255),
  payload: z.unknown().optional(),
  client: optionalString(1000),
  client_url: optionalString(2000),
  links: list,
  images: list,
});
export const PagerDutyPayload = object({
  summary: required(1024),
  source: required(10_000),
  severity: Severity,
  timestamp: z.unknown().optional(),
  component: z.unknown().optional(),
  group: z.unknown().optional(),
  class: z.unknown().optional(),
  custom_details: z.unknown().optional(),
});
export const PagerDutyChangeEvent = z.object({
  payload: object({ summary: required(1024), source: z.unknown().optional(), timestamp: z.unknown().optional(), custom_details: z.unknown().optional() }),
  links: list,
});

/** `'payload.summary' is missing or blank`, as PagerDuty words it. */
function pdErrors(error: z.ZodError, prefix: string[] = []): string[] {
  return error.issues.map((issue) => `'${[...prefix, ...issue.path.map(String)].join('.') || 'event'}' ${issue.message}`);
}

type Routed = { ok: true; body: Record<string, unknown>; origin: string } | PagerDutyRefusal;

/**
 * The routing key is checked before anything else is read: a sender with a wrong key learns only
 * that (PagerDuty answers 400 "Invalid routing key" too), and nothing it sent is stored.
 */
function route(body: unknown, sourceFor: RoutingKeyLookup): Routed {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, status: 400, reason: 'invalid_event', answer: unrecognizedObject('the event must be a JSON object') };
  }
  const fields = body as Record<string, unknown>;
  const key = fields.routing_key;
  if (key == null || (typeof key === 'string' && key.trim() === '')) return refuse([`'routing_key' ${missing}`], 'invalid_routing_key');
  if (typeof key !== 'string' || key.length > 200) return refuse(['Invalid routing key'], 'invalid_routing_key');
  const match = sourceFor(key);
  if (!match.ok) return refuse(['Invalid routing key'], 'invalid_routing_key');
  return { ok: true, body: fields, origin: `pagerduty:${match.source}` };
}

const hash = (...parts: string[]): string => createHash('sha256').update(parts.join('\u0000'), 'utf8').digest('base64url');

/** PagerDuty's payload.timestamp when it is one; otherwise the time Triage received the event. */
const eventTime = (timestamp: unknown, now: Date): string => (typeof timestamp === 'string' && isoTimestamp(timestamp)) || now.toISOString();

/** custom_details is an object in PagerDuty's reference, but senders also send a string: kept either way. */
function detailsOf(custom: unknown): Record<string, unknown> | undefined {
  if (custom === undefined || custom === null) return undefined;
  if (typeof custom === 'object' && !Array.isArray(custom)) return custom as Record<string, unknown>;
  return { details: custom };
}

const objects = (items: readonly unknown[] | null | undefined): Array<Record<string, unknown>> =>
  (items ?? []).filter((i): i is Record<string, unknown> => i !== null && typeof i === 'object' && !Array.isArray(i));

/**
 * A trigger, acknowledge or resolve (POST /v2/enqueue) as one alert event for the board.
 *
 * A trigger without dedup_key: PagerDuty makes a random key, so every such trigger opens a new
 * alert. Triage derives the key from what the alert says (origin, summary, source, component,
 * group, class) instead: a sender that retries, or repeats the same alert, updates one card rather
 * than posting a new one each time, and still gets the key back to acknowledge or resolve with.
 *
 * The event id is fixed by origin, dedup key, action and the sender's payload.timestamp (or the
 * receipt time when it sent none), so an exact resend is stored once.
 */
export function parsePagerDutyEvent(body: unknown, context: PagerDutyContext): PagerDutyParsed {
  const routed = route(body, context.sourceFor);
  if (!routed.ok) return routed;
  const envelope = PagerDutyAlertEvent.safeParse(routed.body);
  const action = envelope.success ? envelope.data.event_action : undefined;
  const payload = action === 'trigger' ? PagerDutyPayload.safeParse(routed.body.payload) : undefined;
  const dedupMissing = action !== undefined && action !== 'trigger' && !envelope.data?.dedup_key?.trim();
  const errors = [
    ...(envelope.success ? [] : pdErrors(envelope.error)),
    ...(dedupMissing ? [`'dedup_key' ${missing}`] : []),
    ...(payload && !payload.success ? pdErrors(payload.error, ['payload']) : []),
  ];
  if (!envelope.success || errors.length > 0) return refuse(errors);
  const event = envelope.data;
  const alert = payload?.success ? payload.data : undefined;
  const key = event.dedup_key?.trim() ? event.dedup_key : autoDedupKey(routed.origin, alert);
  const occurredAt = eventTime(alert?.timestamp ?? (routed.body.payload as { timestamp?: unknown } | undefined)?.timestamp, context.now);
  const type = event.event_action === 'trigger' ? 'alert.firing' : event.event_action === 'acknowledge' ? 'alert.acknowledged' : 'alert.resolved';
  const envelopeOut: EventEnvelope = {
    id: `pd:${hash(routed.origin, key, event.event_action, occurredAt)}`,
    type,
    source: 'pagerduty',
    occurredAt,
    attributes: { origin: routed.origin, key, ...(alert ? triggerFields(alert, event) : {}) },
  };
  const checked = checkEvent(envelopeOut, 0);
  if (!checked.ok) return refuse(checked.problems.map((p) => `'${p.field}' ${p.reason}`));
  return { ok: true, event: checked.event, dedupKey: key };
}

function autoDedupKey(origin: string, alert: PagerDutyPayload | undefined): string {
  const parts = alert ? [alert.summary, alert.source, ...[alert.component, alert.group, alert.class].map((v) => (typeof v === 'string' ? v : ''))] : [];
  return createHash('sha256').update([origin, ...parts].join('\u0000'), 'utf8').digest('hex').slice(0, 32);
}
type PagerDutyPayload = z.infer<typeof PagerDutyPayload>;

function triggerFields(alert: PagerDutyPayload, event: z.infer<typeof PagerDutyAlertEvent>): Record<string, unknown> {
  const component = textField(alert.component, 255);
  const group = textField(alert.group, 255);
  const klass = textField(alert.class, 255);
  const details = detailsOf(alert.custom_details);
  const links = validLinks([
    ...objects(event.links),
    ...(event.client_url ? [{ href: event.client_url, text: event.client ? `View in ${event.client}` : 'Source' }] : []),
  ]);
  const images = validImages(objects(event.images));
  return {
    // The card holds 1024 UTF-16 units; a summary of 1024 characters outside the BMP is cut to fit.
    summary: clip(alert.summary, 1024),
    severity: alert.severity,
    affected: clip(alert.source, 255),
    ...(component ? { component } : {}),
    ...(group ? { group } : {}),
    ...(klass ? { class: klass } : {}),
    ...(details ? { details } : {}),
    ...(links.length ? { links } : {}),
    ...(images.length ? { images } : {}),
  };
}

export type PagerDutyChangeParsed = { ok: true; event: AcceptedEvent } | PagerDutyRefusal;

/**
 * A change event (POST /v2/change/enqueue): "what changed" (a deploy, a config push), quoted by
 * incidents opened soon after. Its id is fixed by origin, summary, source and timestamp (or
 * receipt time), so an exact resend is stored once.
 */
export function parsePagerDutyChange(body: unknown, context: PagerDutyContext): PagerDutyChangeParsed {
  const routed = route(body, context.sourceFor);
  if (!routed.ok) return routed;
  const parsed = PagerDutyChangeEvent.safeParse(routed.body);
  if (!parsed.success) return refuse(pdErrors(parsed.error));
  const { payload } = parsed.data;
  const affected = textField(payload.source, 255);
  const details = detailsOf(payload.custom_details);
  const links = validLinks(objects(parsed.data.links));
  const occurredAt = eventTime(payload.timestamp, context.now);
  const checked = checkEvent(
    {
      id: `pdc:${hash(routed.origin, payload.summary, affected ?? '', occurredAt)}`,
      type: 'change.recorded',
      source: 'pagerduty',
      occurredAt,
      attributes: {
        summary: clip(payload.summary, 1024),
        origin: routed.origin,
        ...(affected ? { affected } : {}),
        ...(details ? { details } : {}),
        ...(links.length ? { links } : {}),
      },
    },
    0,
  );
  if (!checked.ok) return refuse(checked.problems.map((p) => `'${p.field}' ${p.reason}`));
  return { ok: true, event: checked.event };
}
