import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SOURCE, type RoutingKeyLookup } from '../../src/intake/alert-sources.js';
import { parsePagerDutyChange, parsePagerDutyEvent, type PagerDutyRefusal } from '../../src/intake/pagerduty.js';
import { startAlertIntake, type AlertIntake } from './alert-intake.js';
import { bodies } from './alert-fuzz.js';

const KEY = 'fuzz-routing-key-0123456789abcdef';
const sourceFor: RoutingKeyLookup = (key) => (key === KEY ? { ok: true, source: DEFAULT_SOURCE } : { ok: false });
const context = { now: new Date('2026-05-03T15:00:00Z'), sourceFor };

const trigger = {
  routing_key: KEY,
  event_action: 'trigger',
  dedup_key: 'srv01/mysql',
  payload: { summary: 'DISK at 99%', timestamp: '2015-07-17T08:42:58.315+0000', severity: 'critical', source: 'db-3', component: 'mysql', group: 'prod', class: 'disk', custom_details: { free: '1%' } },
  client: 'Monitor',
  client_url: 'https://monitor.example',
  links: [{ href: 'https://x.example', text: 'x' }],
  images: [{ src: 'https://x.example/i.png', href: 'https://x.example', alt: 'i' }],
};
const resolve = { routing_key: KEY, event_action: 'resolve', dedup_key: 'srv01/mysql' };
const change = { routing_key: KEY, payload: { summary: 'deploy 42', timestamp: '2026-05-03T14:00:00Z', source: 'ci', custom_details: { n: 42 } }, links: [{ href: 'https://ci.example/42' }] };
const ALERT_PATHS = [
  ['routing_key'], ['event_action'], ['dedup_key'], ['payload'], ['payload', 'summary'], ['payload', 'source'], ['payload', 'severity'],
  ['payload', 'timestamp'], ['payload', 'component'], ['payload', 'group'], ['payload', 'class'], ['payload', 'custom_details'],
  ['client'], ['client_url'], ['links'], ['links', 0], ['links', 0, 'href'], ['links', 1, 'text'], ['images'], ['images', 0, 'src'], ['images', 0, 'alt'],
];
const CHANGE_PATHS = [['routing_key'], ['payload'], ['payload', 'summary'], ['payload', 'source'], ['payload', 'timestamp'], ['payload', 'custom_details'], ['links'], ['links', 0, 'href']];

/** A refusal is PagerDuty's 400 with at least one error in words, and carries no event. */
function expectRefusal(result: PagerDutyRefusal): void {
  expect(result.status).toBe(400);
  expect(['invalid event', 'Unrecognized object']).toContain(result.answer.status);
  expect(result.answer.errors.length).toBeGreaterThan(0);
  for (const error of result.answer.errors) expect(error.length).toBeGreaterThan(5);
  expect('event' in result).toBe(false);
}

describe('PagerDuty parsers under 10,000 random and mutated events each', () => {
  it('parsePagerDutyEvent answers an alert event or a PagerDuty 400, and never throws', () => {
    let accepted = 0;
    fc.assert(
      fc.property(bodies([trigger, resolve], ALERT_PATHS), (body) => {
        const result = parsePagerDutyEvent(body, context);
        if (!result.ok) return expectRefusal(result);
        accepted++;
        expect(result.event.known).toBe(true);
        expect(['alert.firing', 'alert.acknowledged', 'alert.resolved']).toContain(result.event.type);
        expect(result.event.attributes.key).toBe(result.dedupKey);
      }),
      { numRuns: 10_000 },
    );
    expect(accepted).toBeGreaterThan(500);
  });

  it('parsePagerDutyChange answers a change event or a PagerDuty 400, and never throws', () => {
    let accepted = 0;
    fc.assert(
      fc.property(bodies([change], CHANGE_PATHS), (body) => {
        const result = parsePagerDutyChange(body, context);
        if (!result.ok) return expectRefusal(result);
        accepted++;
        expect(result.event).toMatchObject({ type: 'change.recorded', known: true });
      }),
      { numRuns: 10_000 },
    );
    expect(accepted).toBeGreaterThan(500);
  });
});

describe('PagerDuty routes under hostile bodies', () => {
  let intake: AlertIntake;
  beforeAll(async () => {
    intake = await startAlertIntake('pglite', [{ name: 'fuzz', routingKey: KEY }]);
  });
  afterAll(async () => intake?.close());

  it.each([
    ['/v2/enqueue', bodies([trigger, resolve], ALERT_PATHS)],
    ['/v2/change/enqueue', bodies([change], CHANGE_PATHS)],
  ] as const)('%s answers 202 or a 4xx with PagerDuty errors, and a refused request stores nothing', async (path, body) => {
    let stored = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(body.map((b) => JSON.stringify(b) ?? 'undefined'), fc.string({ maxLength: 100 })), async (raw) => {
        const before = (await intake.rows('pagerduty')).length;
        const res = await intake.post(path, undefined, { raw, token: null });
        const text = await res.text();
        expect(res.status, `${raw} → ${text}`).toBeLessThan(500);
        if (res.status === 202) return void stored++;
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect((JSON.parse(text) as { errors: string[] }).errors.length).toBeGreaterThan(0);
        expect((await intake.rows('pagerduty')).length).toBe(before);
      }),
      { numRuns: 300 },
    );
    expect(stored).toBeGreaterThan(0);
  }, 120_000);
});
