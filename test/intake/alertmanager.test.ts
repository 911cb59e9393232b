import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertToEvent, AlertmanagerAlert } from '../../src/intake/alertmanager.js';
import { oneDatabaseKind } from '../support/databases.js';
import { startTestTriage, type TestTriage } from '../support/triage.js';

/** A payload in the shape Alertmanager documents for webhook_config (version 4). */
const payload = (status: 'firing' | 'resolved', alerts: object[]) => ({
  version: '4',
  groupKey: '{}:{alertname="McpPoolExhausted"}',
  truncatedAlerts: 0,
  status,
  receiver: 'triage',
  groupLabels: { alertname: 'McpPoolExhausted' },
  commonLabels: { alertname: 'McpPoolExhausted', severity: 'critical' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager.example:9093',
  alerts,
});

const alert = (status: 'firing' | 'resolved', fingerprint: string, extra: object = {}) => ({
  status,
  labels: { alertname: 'McpPoolExhausted', severity: 'critical', server: 'database-query' },
  annotations: { summary: 'database-query pool exhausted (5/5, 3 waiting)' },
  startsAt: '2026-05-03T14:35:12.123456789Z',
  endsAt: status === 'resolved' ? '2026-05-03T15:02:00Z' : '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus.example:9090/graph?g0.expr=mcp_pool_in_use',
  fingerprint,
  ...extra,
});

describe.each(oneDatabaseKind())('POST /v1/ingest/alertmanager on %s', (kind) => {
  let triage: TestTriage;
  beforeAll(async () => {
    triage = await startTestTriage(kind);
  });
  afterAll(async () => triage?.close());

  type Row = { type: string; event_key: string; occurred_at: Date; attributes: Record<string, unknown> };
  const rows = (fingerprint: string) =>
    triage.database.query<Row>(
      sql`select type, event_key, occurred_at, attributes from events where source = 'alertmanager' and attributes->>'fingerprint' = ${fingerprint} order by seq`,
    );

  it('turns each alert into an event keeping labels, annotations and the fingerprint', async () => {
    const res = await triage.post('/v1/ingest/alertmanager', payload('firing', [alert('firing', 'a1b2c3'), alert('firing', 'ffee01')]));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 2, duplicates: 0, warnings: [] });
    const [row] = await rows('a1b2c3');
    expect(row!.type).toBe('alert.firing');
    expect(row!.event_key).toBe('a1b2c3:firing:2026-05-03T14:35:12.123456789Z');
    expect(new Date(row!.occurred_at).toISOString()).toBe('2026-05-03T14:35:12.123Z');
    expect(row!.attributes).toMatchObject({
      alertname: 'McpPoolExhausted',
      labels: { server: 'database-query', severity: 'critical' },
      annotations: { summary: 'database-query pool exhausted (5/5, 3 waiting)' },
    });
    // The fields every alert source shares (src/alerts/model.ts), for the one alert board.
    expect(row!.attributes).toMatchObject({
      origin: 'alertmanager',
      key: 'a1b2c3',
      summary: 'database-query pool exhausted (5/5, 3 waiting)',
      severity: 'critical',
      links: [
        { href: 'http://prometheus.example:9090/graph?g0.expr=mcp_pool_in_use', text: 'Source' },
        // The webhook's externalURL: silencing it is one click from the card.
        { href: expect.stringMatching(/^http:\/\/alertmanager\.example:9093\/#\/silences\/new\?filter=%7Balertname%3D%22McpPoolExhausted%22/), text: 'Silence' },
      ],
    });
    expect(row!.attributes.expiresAt).toBeUndefined();
  });

  it('counts Alertmanager resends of a firing alert as duplicates, but stores its resolution', async () => {
    const resend = await triage.post('/v1/ingest/alertmanager', payload('firing', [alert('firing', 'a1b2c3')]));
    expect(await resend.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    const resolved = await triage.post('/v1/ingest/alertmanager', payload('resolved', [alert('resolved', 'a1b2c3')]));
    expect(await resolved.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    const stored = await rows('a1b2c3');
    expect(stored.map((r) => r.type)).toEqual(['alert.firing', 'alert.resolved']);
    expect(new Date(stored[1]!.occurred_at).toISOString()).toBe('2026-05-03T15:02:00.000Z');
  });

  it('rejects a malformed payload whole, naming the alert and field', async () => {
    const res = await triage.post(
      '/v1/ingest/alertmanager',
      payload('firing', [alert('firing', 'good-1'), alert('firing', 'bad-1', { startsAt: 'not a time', labels: { severity: 'x' } })]),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; problems: Array<{ index: number; field: string }> } };
    expect(body.error.message).toContain('nothing was stored');
    expect(body.error.problems.map((p) => p.field)).toEqual(expect.arrayContaining(['alerts.1.startsAt', 'alerts.1.labels']));
    expect(body.error.problems.every((p) => p.index === 1)).toBe(true);
    expect(await rows('good-1')).toHaveLength(0);
  });

  it('refuses other payload versions and unauthenticated senders', async () => {
    const v3 = await triage.post('/v1/ingest/alertmanager', { ...payload('firing', [alert('firing', 'v3')]), version: '3' });
    expect(v3.status).toBe(400);
    const problems = ((await v3.json()) as { error: { problems: Array<{ field: string; reason: string }> } }).error.problems;
    expect(problems).toContainEqual({ index: -1, field: 'version', reason: 'only Alertmanager webhook payload version "4" is supported' });
    const anon = await triage.post('/v1/ingest/alertmanager', payload('firing', [alert('firing', 'anon')]), { token: null });
    expect(anon.status).toBe(401);
    expect(await rows('anon')).toHaveLength(0);
  });
});

describe('alertToEvent: the normalised alert fields', () => {
  const translate = (extra: object, externalURL?: string) => alertToEvent(AlertmanagerAlert.parse(alert('firing', 'f00d', extra)), externalURL).attributes;

  it('links the silence form prefilled with every label of the alert when Alertmanager says where it is', () => {
    const links = translate({}, 'http://alertmanager.example:9093/').links as Array<{ href: string; text: string }>;
    expect(links.map((l) => l.text)).toEqual(['Source', 'Silence']);
    const silence = new URL(links[1]!.href);
    expect(`${silence.origin}${silence.pathname}${silence.hash.split('?')[0]}`).toBe('http://alertmanager.example:9093/#/silences/new');
    expect(decodeURIComponent(links[1]!.href.split('filter=')[1]!)).toBe('{alertname="McpPoolExhausted", server="database-query", severity="critical"}');
    expect(translate({}).links).toEqual([{ href: 'http://prometheus.example:9090/graph?g0.expr=mcp_pool_in_use', text: 'Source' }]);
  });

  it('maps severity labels to the four severities, page and high to critical, the rest to warning', () => {
    const severity = (value?: string) => translate({ labels: { alertname: 'A', ...(value === undefined ? {} : { severity: value }) } }).severity;
    expect([severity('critical'), severity('page'), severity('High'), severity('error'), severity('warning'), severity('info'), severity('p3'), severity()]).toEqual([
      'critical', 'critical', 'critical', 'error', 'warning', 'info', 'warning', 'warning',
    ]);
  });

  it('summarises by summary, then description, then alert name', () => {
    expect(translate({ annotations: { description: 'pool is full' } }).summary).toBe('pool is full');
    expect(translate({ annotations: {} }).summary).toBe('McpPoolExhausted');
  });

  it('says when a firing alert expires unless resent (endsAt), and drops a generatorURL that is not a URL', () => {
    const attributes = translate({ endsAt: '2026-05-03T14:40:12Z', generatorURL: 'prometheus:9090' });
    expect(attributes.expiresAt).toBe('2026-05-03T14:40:12.000Z');
    expect(attributes.links).toBeUndefined();
  });
});
