import { describe, expect, it } from 'vitest';
import type { RoutingKeyLookup } from '../../src/intake/alert-sources.js';
import { parsePagerDutyChange, parsePagerDutyEvent, type PagerDutyParsed } from '../../src/intake/pagerduty.js';

const KEY = 'langfuse-routing-key-0123456789ab';
const sourceFor: RoutingKeyLookup = (key) => (key === KEY ? { ok: true, source: 'langfuse' } : { ok: false });
const now = new Date('2026-05-03T15:00:00.000Z');
const context = { now, sourceFor };

/** PagerDuty's own example trigger (its Events API v2 reference, "Send an Alert Event"). */
const trigger = (extra: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) => ({
  routing_key: KEY,
  event_action: 'trigger',
  dedup_key: 'srv01/mysql',
  payload: {
    summary: 'DISK at 99% on machine prod-datapipe03.example.com',
    timestamp: '2015-07-17T08:42:58.315+0000',
    severity: 'critical',
    source: 'prod-datapipe03.example.com',
    component: 'mysql',
    group: 'prod-datapipe',
    class: 'disk',
    custom_details: { 'free space': '1%', 'ping time': '1500ms', 'load avg': 0.75 },
    ...payload,
  },
  client: 'Sample Monitoring Service',
  client_url: 'https://monitoring.service.example',
  links: [{ href: 'http://pagerduty.example.com', text: 'An example link.' }],
  images: [{ src: 'https://chart.example.com/chart.png', href: 'https://example.com', alt: 'An example link with an image' }],
  ...extra,
});

const accepted = (parsed: PagerDutyParsed) => {
  if (!parsed.ok) throw new Error(`refused: ${parsed.answer.errors.join('; ')}`);
  return parsed;
};
const errorsOf = (parsed: { ok: boolean; answer?: { errors: string[] } }) => {
  expect(parsed.ok).toBe(false);
  return parsed.answer!.errors;
};

describe('parsePagerDutyEvent', () => {
  it('turns a trigger into alert.firing carrying every field PagerDuty documents', () => {
    const { event, dedupKey } = accepted(parsePagerDutyEvent(trigger(), context));
    expect(dedupKey).toBe('srv01/mysql');
    expect(event).toMatchObject({ type: 'alert.firing', source: 'pagerduty', occurredAt: '2015-07-17T08:42:58.315Z', known: true });
    expect(event.attributes).toEqual({
      origin: 'pagerduty:langfuse',
      key: 'srv01/mysql',
      summary: 'DISK at 99% on machine prod-datapipe03.example.com',
      severity: 'critical',
      affected: 'prod-datapipe03.example.com',
      component: 'mysql',
      group: 'prod-datapipe',
      class: 'disk',
      details: { 'free space': '1%', 'ping time': '1500ms', 'load avg': 0.75 },
      links: [
        { href: 'http://pagerduty.example.com', text: 'An example link.' },
        { href: 'https://monitoring.service.example', text: 'View in Sample Monitoring Service' },
      ],
      images: [{ src: 'https://chart.example.com/chart.png', href: 'https://example.com', alt: 'An example link with an image' }],
    });
  });

  it('turns acknowledge and resolve into alert.acknowledged and alert.resolved on the same key', () => {
    const ack = accepted(parsePagerDutyEvent({ routing_key: KEY, event_action: 'acknowledge', dedup_key: 'srv01/mysql' }, context));
    expect(ack.event).toMatchObject({ type: 'alert.acknowledged', occurredAt: now.toISOString(), attributes: { origin: 'pagerduty:langfuse', key: 'srv01/mysql' } });
    const resolve = accepted(parsePagerDutyEvent({ routing_key: KEY, event_action: 'resolve', dedup_key: 'srv01/mysql' }, context));
    expect(resolve.event.type).toBe('alert.resolved');
    expect(resolve.dedupKey).toBe('srv01/mysql');
  });

  it('gives the same id to an exact resend and a new one to a later trigger or another action', () => {
    const first = accepted(parsePagerDutyEvent(trigger(), context)).event.id;
    expect(accepted(parsePagerDutyEvent(trigger(), { ...context, now: new Date() })).event.id).toBe(first);
    expect(accepted(parsePagerDutyEvent(trigger({}, { timestamp: '2015-07-17T08:47:58Z' }), context)).event.id).not.toBe(first);
    const ack = (at: Date) => accepted(parsePagerDutyEvent({ routing_key: KEY, event_action: 'acknowledge', dedup_key: 'srv01/mysql' }, { ...context, now: at })).event.id;
    expect(ack(now)).not.toBe(first);
    expect(ack(now)).toBe(ack(new Date(now)));
  });

  it('derives a dedup key from what a keyless trigger says, so repeating it updates one card', () => {
    const keyless = (payload: Record<string, unknown> = {}) => accepted(parsePagerDutyEvent(trigger({ dedup_key: undefined }, payload), context)).dedupKey;
    expect(keyless()).toMatch(/^[0-9a-f]{32}$/);
    expect(keyless({ timestamp: '2016-01-01T00:00:00Z' })).toBe(keyless());
    expect(keyless({ source: 'prod-datapipe04.example.com' })).not.toBe(keyless());
    expect(accepted(parsePagerDutyEvent(trigger({ dedup_key: '  ' }), context)).dedupKey).toBe(keyless());
  });

  it('falls back to the receipt time when payload.timestamp is absent or not a time', () => {
    for (const timestamp of [undefined, 'yesterday', 12345]) {
      expect(accepted(parsePagerDutyEvent(trigger({}, { timestamp }), context)).event.occurredAt).toBe(now.toISOString());
    }
  });

  it('keeps custom_details that are not an object, and drops links and images that are not http(s) URLs', () => {
    const { event } = accepted(
      parsePagerDutyEvent(
        trigger({ links: [{ href: 'javascript:alert(1)' }, { text: 'no href' }, 'x', { href: 'https://ok.example/a' }], images: [{ src: 'file:///etc/passwd' }], client_url: 'not a url' }, { custom_details: 'disk is full' }),
        context,
      ),
    );
    expect(event.attributes.details).toEqual({ details: 'disk is full' });
    expect(event.attributes.links).toEqual([{ href: 'https://ok.example/a' }]);
    expect(event.attributes.images).toBeUndefined();
  });

  it('accepts severity in any case and cuts source, component, group and class to the card limit', () => {
    const long = 'h'.repeat(300);
    const { event } = accepted(parsePagerDutyEvent(trigger({}, { severity: 'Warning', source: long, component: long, group: 'g', class: '' }), context));
    expect(event.attributes).toMatchObject({ severity: 'warning', affected: 'h'.repeat(255), component: 'h'.repeat(255), group: 'g' });
    expect(event.attributes.class).toBeUndefined();
  });

  it('refuses acknowledge and resolve without dedup_key in PagerDuty words', () => {
    for (const action of ['acknowledge', 'resolve']) {
      const parsed = parsePagerDutyEvent({ routing_key: KEY, event_action: action }, context);
      expect(parsed).toMatchObject({ ok: false, status: 400, answer: { status: 'invalid event', message: 'Event object is invalid' } });
      expect(errorsOf(parsed)).toEqual(["'dedup_key' is missing or blank"]);
    }
  });

  it('lists every problem of a trigger at once, as PagerDuty does', () => {
    const parsed = parsePagerDutyEvent({ routing_key: KEY, event_action: 'trigger', payload: { summary: 'x'.repeat(1025), severity: 'fatal', source: ' ' } }, context);
    expect(errorsOf(parsed)).toEqual([
      "'payload.summary' is too long (maximum is 1024 characters)",
      "'payload.source' is missing or blank",
      "'payload.severity' is invalid (must be critical, error, warning or info)",
    ]);
    expect(errorsOf(parsePagerDutyEvent({ routing_key: KEY, event_action: 'trigger' }, context))).toEqual(["'payload' is missing or blank"]);
    expect(errorsOf(parsePagerDutyEvent({ routing_key: KEY, event_action: 'trigger', payload: { summary: 's', source: 'h' } }, context))).toEqual(["'payload.severity' is missing or blank"]);
    expect(errorsOf(parsePagerDutyEvent({ routing_key: KEY }, context))).toEqual(["'event_action' is missing or blank"]);
    expect(errorsOf(parsePagerDutyEvent({ routing_key: KEY, event_action: 'open', dedup_key: 'k' }, context))).toEqual(["'event_action' is invalid (must be trigger, acknowledge or resolve)"]);
    expect(errorsOf(parsePagerDutyEvent(trigger({ dedup_key: 'k'.repeat(256) }), context))).toEqual(["'dedup_key' is too long (maximum is 255 characters)"]);
  });

  it('refuses a missing or unknown routing key before reading anything else, naming no key', () => {
    const unknown = parsePagerDutyEvent({ routing_key: 'someone-elses-key-0123456789abcdef', event_action: 'nonsense' }, context);
    expect(unknown).toEqual({ ok: false, status: 400, reason: 'invalid_routing_key', answer: { status: 'invalid event', message: 'Event object is invalid', errors: ['Invalid routing key'] } });
    expect(errorsOf(parsePagerDutyEvent({ event_action: 'trigger' }, context))).toEqual(["'routing_key' is missing or blank"]);
    expect(errorsOf(parsePagerDutyEvent({ routing_key: 42 }, context))).toEqual(['Invalid routing key']);
    expect(parsePagerDutyEvent([trigger()], context)).toMatchObject({ ok: false, answer: { status: 'Unrecognized object', message: 'Event object format is unrecognized' } });
  });

  it('counts summary length in characters as Alertmanager cuts it (1024 runes), fitting it to the card', () => {
    const emoji = '🔥'.repeat(1024);
    const { event } = accepted(parsePagerDutyEvent(trigger({}, { summary: emoji }), context));
    expect(event.attributes.summary).toBe('🔥'.repeat(512));
    expect(errorsOf(parsePagerDutyEvent(trigger({}, { summary: `${emoji}!` }), context))).toEqual(["'payload.summary' is too long (maximum is 1024 characters)"]);
  });

  it('treats null optional fields as absent', () => {
    const { event } = accepted(parsePagerDutyEvent(trigger({ dedup_key: null, client: null, client_url: null, links: null, images: null }, { custom_details: null, component: null }), context));
    expect(event.attributes.links).toEqual(undefined);
    expect(event.attributes.component).toBeUndefined();
    expect(event.attributes.details).toBeUndefined();
  });
});

describe('parsePagerDutyChange', () => {
  /** PagerDuty's own example change event ("Send a Change Event"). */
  const change = (payload: Record<string, unknown> = {}) => ({
    routing_key: KEY,
    payload: {
      summary: 'Build Success: Increase snapshot create timeout to 30 seconds',
      timestamp: '2020-07-17T08:42:58.315+0000',
      source: 'acme-build-pipeline-tool-default-i-9999',
      custom_details: { build_state: 'passed', build_number: '2', run_time: '1236s' },
      ...payload,
    },
    links: [{ href: 'https://acme.pagerduty.dev/build/2', text: 'View more details in Acme!' }],
  });

  it('turns a change event into change.recorded with summary, source, details and links', () => {
    const parsed = parsePagerDutyChange(change(), context);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.event).toMatchObject({ type: 'change.recorded', source: 'pagerduty', occurredAt: '2020-07-17T08:42:58.315Z', known: true });
    expect(parsed.event.attributes).toEqual({
      summary: 'Build Success: Increase snapshot create timeout to 30 seconds',
      origin: 'pagerduty:langfuse',
      affected: 'acme-build-pipeline-tool-default-i-9999',
      details: { build_state: 'passed', build_number: '2', run_time: '1236s' },
      links: [{ href: 'https://acme.pagerduty.dev/build/2', text: 'View more details in Acme!' }],
    });
    const again = parsePagerDutyChange(change(), { ...context, now: new Date() });
    expect(again.ok && again.event.id).toBe(parsed.event.id);
  });

  it('refuses a change without summary, or with an unknown key, in PagerDuty words', () => {
    expect(errorsOf(parsePagerDutyChange(change({ summary: '' }), context))).toEqual(["'payload.summary' is missing or blank"]);
    expect(errorsOf(parsePagerDutyChange({ routing_key: KEY }, context))).toEqual(["'payload' is missing or blank"]);
    expect(errorsOf(parsePagerDutyChange({ ...change(), routing_key: 'nope-nope-nope-nope' }, context))).toEqual(['Invalid routing key']);
  });
});
