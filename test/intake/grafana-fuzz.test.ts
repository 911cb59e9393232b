import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGrafanaWebhook } from '../../src/intake/grafana.js';
import { startAlertIntake, type AlertIntake } from './alert-intake.js';
import { bodies } from './alert-fuzz.js';

const alert = (fingerprint: string) => ({
  status: 'firing',
  labels: { alertname: 'High memory usage', severity: 'critical' },
  annotations: { summary: 'zone us-1 memory 93%' },
  startsAt: '2021-10-12T09:51:03.157076+02:00',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'https://grafana.example/alerting/1afz29v7z/edit',
  fingerprint,
  silenceURL: 'https://grafana.example/alerting/silence/new',
  dashboardURL: 'https://grafana.example/d/abc',
  panelURL: 'https://grafana.example/d/abc?viewPanel=1',
  imageURL: 'https://grafana.example/render/abc.png',
  values: { B: 44.2, C: 1 },
  valueString: "[ var='B' value=44.2 ]",
});
const webhook = { receiver: 'Triage', status: 'firing', orgId: 1, alerts: [alert('c6eadffa33fcdf37'), alert('bc97ff14869b13e3')], externalURL: 'https://grafana.example/', version: '1', groupKey: 'g', truncatedAlerts: 0, title: '[FIRING:2]', state: 'alerting', message: 'm' };
const fields = ['status', 'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL', 'fingerprint', 'silenceURL', 'dashboardURL', 'panelURL', 'imageURL', 'values', 'valueString'];
const PATHS = [
  ['alerts'], ['alerts', 0], ['alerts', 2], ['orgId'], ['title'], ['version'], ['status'], ['truncatedAlerts'], ['commonLabels'],
  ['alerts', 0, 'labels', 'severity'], ['alerts', 0, 'labels', 'alertname'], ['alerts', 0, 'annotations', 'summary'], ['alerts', 1, 'values', 'B'],
  ...fields.map((f) => ['alerts', 0, f]),
  ...fields.map((f) => ['alerts', 1, f]),
];

describe('parseGrafanaWebhook under 10,000 random and mutated payloads', () => {
  it('answers events or problems that say where, never throws, and refuses whole', () => {
    let accepted = 0;
    fc.assert(
      fc.property(bodies([webhook], PATHS), (body) => {
        const result = parseGrafanaWebhook(body);
        if (!result.ok) {
          expect(result.message).toContain('nothing was stored');
          expect(result.problems.length).toBeGreaterThan(0);
          for (const p of result.problems) expect(p.reason.length).toBeGreaterThan(3);
          expect('events' in result).toBe(false);
          return;
        }
        accepted++;
        expect(result.events.length).toBe((body as { alerts: unknown[] }).alerts.length);
        for (const event of result.events) expect(event).toMatchObject({ source: 'grafana', known: true, attributes: { origin: 'grafana' } });
      }),
      { numRuns: 10_000 },
    );
    expect(accepted).toBeGreaterThan(500);
  });
});

describe('POST /v1/ingest/grafana under hostile bodies', () => {
  let intake: AlertIntake;
  beforeAll(async () => {
    intake = await startAlertIntake('pglite');
  });
  afterAll(async () => intake?.close());

  it('answers 202 or a 4xx that says why, and a refused request stores nothing', async () => {
    let stored = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(bodies([webhook], PATHS).map((b) => JSON.stringify(b) ?? 'undefined'), fc.string({ maxLength: 100 })), async (raw) => {
        const before = (await intake.rows('grafana')).length;
        const res = await intake.post('/v1/ingest/grafana', undefined, { raw });
        const text = await res.text();
        expect(res.status, `${raw} → ${text}`).toBeLessThan(500);
        if (res.status === 202) return void stored++;
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(text.length, 'a refusal says why').toBeGreaterThan(10);
        expect((await intake.rows('grafana')).length).toBe(before);
      }),
      { numRuns: 300 },
    );
    expect(stored).toBeGreaterThan(0);
  }, 120_000);
});
