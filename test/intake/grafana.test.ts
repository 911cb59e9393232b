import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGrafanaWebhook } from '../../src/intake/grafana.js';
import { oneDatabaseKind } from '../support/databases.js';
import { startAlertIntake, type AlertIntake } from './alert-intake.js';

/** One alert in the shape Grafana documents for its webhook contact point (payload version "1"). */
const alert = (status: 'firing' | 'resolved', fingerprint: string, extra: object = {}) => ({
  status,
  labels: { alertname: 'High memory usage', team: 'blue', zone: 'us-1', severity: 'page' },
  annotations: { description: 'The system has high memory usage', runbook_url: 'https://myrunbook.example/runbook/1234', summary: 'This alert was triggered for zone us-1' },
  startsAt: '2021-10-12T09:51:03.157076+02:00',
  endsAt: status === 'resolved' ? '2021-10-12T10:05:00Z' : '0001-01-01T00:00:00Z',
  generatorURL: 'https://grafana.example/alerting/1afz29v7z/edit',
  fingerprint,
  silenceURL: 'https://grafana.example/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1',
  dashboardURL: 'https://grafana.example/d/abc',
  panelURL: 'https://grafana.example/d/abc?viewPanel=1',
  values: { B: 44.23943737541908, C: 1 },
  valueString: "[ var='B' labels={} value=44.23943737541908 ], [ var='C' labels={} value=1 ]",
  ...extra,
});
const webhook = (status: 'firing' | 'resolved', alerts: object[]) => ({
  receiver: 'Triage',
  status,
  orgId: 1,
  alerts,
  groupLabels: { alertname: 'High memory usage' },
  commonLabels: { team: 'blue' },
  commonAnnotations: {},
  externalURL: 'https://grafana.example/',
  version: '1',
  groupKey: '{}/{alertname="High memory usage"}:{alertname="High memory usage"}',
  truncatedAlerts: 0,
  title: '[FIRING:1] High memory usage (blue)',
  state: 'alerting',
  message: '**Firing**\n\nValue: B=44.2, C=1',
});

describe('parseGrafanaWebhook', () => {
  it('turns each alert into an event with the links, severity, values and expiry on the card', () => {
    const parsed = parseGrafanaWebhook(webhook('firing', [alert('firing', 'c6eadffa33fcdf37', { endsAt: '2021-10-12T10:00:00+02:00' })]));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const [event] = parsed.events;
    expect(event).toMatchObject({ id: 'grafana:c6eadffa33fcdf37:firing:2021-10-12T09:51:03.157076+02:00', type: 'alert.firing', source: 'grafana', occurredAt: '2021-10-12T07:51:03.157Z', known: true });
    expect(event!.attributes).toMatchObject({
      origin: 'grafana',
      key: 'c6eadffa33fcdf37',
      summary: 'This alert was triggered for zone us-1',
      severity: 'critical',
      alertname: 'High memory usage',
      labels: { team: 'blue', zone: 'us-1' },
      fingerprint: 'c6eadffa33fcdf37',
      expiresAt: '2021-10-12T08:00:00.000Z',
      details: { values: { B: 44.23943737541908, C: 1 }, valueString: expect.stringContaining("var='B'"), orgId: 1 },
      links: [
        { href: 'https://grafana.example/alerting/1afz29v7z/edit', text: 'Source' },
        { href: expect.stringContaining('/alerting/silence/new?'), text: 'Silence' },
        { href: 'https://grafana.example/d/abc', text: 'Dashboard' },
        { href: 'https://grafana.example/d/abc?viewPanel=1', text: 'Panel' },
      ],
    });
  });

  it('leaves out empty links, maps unknown severities to warning and falls back to the description, then the name', () => {
    const parsed = parseGrafanaWebhook(
      webhook('firing', [
        alert('firing', 'f1', { dashboardURL: '', panelURL: '', labels: { alertname: 'DiskFull', severity: 'sev2' }, annotations: { description: 'disk 97%' }, values: null }),
        alert('firing', 'f2', { labels: { alertname: 'NoData' }, annotations: {} }),
        alert('firing', 'f3', { labels: {}, annotations: {} }),
      ]),
    );
    if (!parsed.ok) throw new Error(parsed.message);
    const [a, b, c] = parsed.events.map((e) => e.attributes);
    expect(a!.links).toHaveLength(2);
    expect(a).toMatchObject({ severity: 'warning', summary: 'disk 97%' });
    expect(a!.expiresAt).toBeUndefined();
    expect(b!.summary).toBe('NoData');
    expect(c!.summary).toBe('[FIRING:1] High memory usage (blue)');
  });

  it('dates a resolved alert by its end', () => {
    const parsed = parseGrafanaWebhook(webhook('resolved', [alert('resolved', 'c6eadffa33fcdf37')]));
    expect(parsed.ok && parsed.events[0]).toMatchObject({ type: 'alert.resolved', occurredAt: '2021-10-12T10:05:00.000Z' });
    expect(parsed.ok && parsed.events[0]!.attributes.expiresAt).toBeUndefined();
  });

  it('refuses a payload with a bad alert whole, naming the alert and field', () => {
    const parsed = parseGrafanaWebhook(webhook('firing', [alert('firing', 'ok'), alert('firing', '', { startsAt: 'soon' })]));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.message).toContain('nothing was stored');
    expect(parsed.problems.map((p) => `${p.index} ${p.field}`)).toEqual(['1 alerts.1.startsAt', '1 alerts.1.fingerprint']);
    expect(parseGrafanaWebhook({ alerts: [] })).toMatchObject({ ok: false, problems: [{ field: 'alerts', reason: 'must contain at least one alert' }] });
  });
});

describe.each(oneDatabaseKind())('POST /v1/ingest/grafana on %s', (kind) => {
  let intake: AlertIntake;
  beforeAll(async () => {
    intake = await startAlertIntake(kind);
  });
  afterAll(async () => intake?.close());

  it('stores each alert, counts Grafana\'s resends as duplicates and stores the resolution', async () => {
    const first = await intake.post('/v1/ingest/grafana', webhook('firing', [alert('firing', 'aa01'), alert('firing', 'aa02')]));
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ accepted: 2, duplicates: 0, warnings: [] });
    const resend = await intake.post('/v1/ingest/grafana', webhook('firing', [alert('firing', 'aa01')]));
    expect(await resend.json()).toEqual({ accepted: 0, duplicates: 1, warnings: [] });
    await intake.post('/v1/ingest/grafana', webhook('resolved', [alert('resolved', 'aa01')]));
    const rows = (await intake.rows('grafana')).filter((r) => r.attributes.key === 'aa01');
    expect(rows.map((r) => r.type)).toEqual(['alert.firing', 'alert.resolved']);
    expect(rows[0]!.attributes).toMatchObject({ origin: 'grafana', severity: 'critical' });
  });

  it('refuses senders without the ingest token (Grafana sends it as authorization_credentials) and bad payloads, storing nothing', async () => {
    const anon = await intake.post('/v1/ingest/grafana', webhook('firing', [alert('firing', 'anon')]), { token: null });
    expect(anon.status).toBe(401);
    const wrong = await intake.post('/v1/ingest/grafana', webhook('firing', [alert('firing', 'anon')]), { token: 'not-the-ingest-token-123' });
    expect(wrong.status).toBe(401);
    const bad = await intake.post('/v1/ingest/grafana', { alerts: [{ status: 'firing' }] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_events', problems: expect.arrayContaining([expect.objectContaining({ field: 'alerts.0.fingerprint' })]) } });
    const text = await intake.post('/v1/ingest/grafana', undefined, { raw: 'hello', contentType: 'text/plain' });
    expect(text.status).toBe(415);
    expect((await intake.rows('grafana')).filter((r) => r.attributes.key === 'anon')).toHaveLength(0);
  });
});
