import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneDatabaseKind } from '../support/databases.js';
import { TEST_TOKEN } from '../support/triage.js';
import { startAlertIntake, type AlertIntake } from './alert-intake.js';

const LANGFUSE_KEY = 'e93facc04764012d7bfb002500d5d1a6';

const trigger = (dedup: string | undefined, extra: object = {}) => ({
  routing_key: LANGFUSE_KEY,
  event_action: 'trigger',
  ...(dedup === undefined ? {} : { dedup_key: dedup }),
  payload: { summary: 'Trace error rate 34% on agent checkout', source: 'langfuse', severity: 'error', timestamp: '2026-05-03T14:32:00Z', custom_details: { errorRate: 0.34 } },
  ...extra,
});
const asSender = { token: null } as const;

describe.each(oneDatabaseKind())('PagerDuty Events API v2 routes on %s', (kind) => {
  let intake: AlertIntake;
  beforeAll(async () => {
    intake = await startAlertIntake(kind, [{ name: 'langfuse', routingKey: LANGFUSE_KEY }], 16 * 1024);
  });
  afterAll(async () => intake?.close());

  it('answers a trigger 202 as PagerDuty does and stores it as alert.firing from the named source', async () => {
    const res = await intake.post('/v2/enqueue', trigger('checkout/errors'), asSender);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'checkout/errors' });
    const [row] = await intake.rows('pagerduty');
    expect(row).toMatchObject({ type: 'alert.firing', attributes: { origin: 'pagerduty:langfuse', key: 'checkout/errors', severity: 'error', affected: 'langfuse', details: { errorRate: 0.34 } } });
    expect(new Date(row!.occurred_at).toISOString()).toBe('2026-05-03T14:32:00.000Z');
  });

  it('stores an exact resend once, and acknowledge and resolve on the same key', async () => {
    expect((await intake.post('/v2/enqueue', trigger('checkout/errors'), asSender)).status).toBe(202);
    for (const event_action of ['acknowledge', 'resolve']) {
      const res = await intake.post('/v2/enqueue', { routing_key: LANGFUSE_KEY, event_action, dedup_key: 'checkout/errors' }, asSender);
      expect(await res.json()).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'checkout/errors' });
    }
    const rows = (await intake.rows('pagerduty')).filter((r) => r.attributes.key === 'checkout/errors');
    expect(rows.map((r) => r.type)).toEqual(['alert.firing', 'alert.acknowledged', 'alert.resolved']);
  });

  it('returns the dedup key it made for a keyless trigger, which then resolves the same alert', async () => {
    const res = await intake.post('/v2/enqueue', trigger(undefined), asSender);
    const { dedup_key } = (await res.json()) as { dedup_key: string };
    expect(dedup_key).toMatch(/^[0-9a-f]{32}$/);
    await intake.post('/v2/enqueue', { routing_key: LANGFUSE_KEY, event_action: 'resolve', dedup_key }, asSender);
    const rows = (await intake.rows('pagerduty')).filter((r) => r.attributes.key === dedup_key);
    expect(rows.map((r) => r.type)).toEqual(['alert.firing', 'alert.resolved']);
  });

  it("takes the ingest token as routing key, under the source name 'default'", async () => {
    const res = await intake.post('/v2/enqueue', { ...trigger('default-1'), routing_key: TEST_TOKEN }, asSender);
    expect(res.status).toBe(202);
    const row = (await intake.rows('pagerduty')).find((r) => r.attributes.key === 'default-1');
    expect(row?.attributes.origin).toBe('pagerduty:default');
  });

  it('refuses a wrong routing key with PagerDuty\'s answer and stores nothing', async () => {
    const before = (await intake.rows('pagerduty')).length;
    const res = await intake.post('/v2/enqueue', { ...trigger('wrong-key'), routing_key: 'ffffffffffffffffffffffffffffffff' }, asSender);
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ status: 'invalid event', message: 'Event object is invalid', errors: ['Invalid routing key'] });
    expect(text).not.toContain('ffffffff');
    const change = await intake.post('/v2/change/enqueue', { routing_key: 'nope', payload: { summary: 'deploy' } }, asSender);
    expect(await change.json()).toEqual({ status: 'invalid event', message: 'Event object is invalid', errors: ['Invalid routing key'] });
    expect(await intake.rows('pagerduty')).toHaveLength(before);
  });

  it('refuses acknowledge and resolve without dedup_key in PagerDuty\'s words', async () => {
    for (const event_action of ['acknowledge', 'resolve']) {
      const res = await intake.post('/v2/enqueue', { routing_key: LANGFUSE_KEY, event_action }, asSender);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ status: 'invalid event', message: 'Event object is invalid', errors: ["'dedup_key' is missing or blank"] });
    }
  });

  it('answers non-JSON 400 in PagerDuty\'s shape, reads JSON sent with another content-type, and refuses an oversized body with 413', async () => {
    const garbage = await intake.post('/v2/enqueue', undefined, { ...asSender, raw: '{"routing_key":' });
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toEqual({ status: 'Unrecognized object', message: 'Event object format is unrecognized', errors: ['JSON parse error'] });
    const curl = await intake.post('/v2/enqueue', trigger('curl-1'), { ...asSender, contentType: 'application/x-www-form-urlencoded' });
    expect(curl.status).toBe(202);
    const big = await intake.post('/v2/enqueue', trigger('big', { payload: { summary: 's', source: 'h', severity: 'info', custom_details: { blob: 'x'.repeat(20_000) } } }), asSender);
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ status: 'invalid event', errors: [expect.stringContaining('exceeds')] });
    const nul = await intake.post('/v2/enqueue', trigger('nul', { client: 'a\u0000b' }), asSender);
    expect(nul.status).toBe(400);
    expect((await intake.rows('pagerduty')).filter((r) => ['big', 'nul'].includes(String(r.attributes.key)))).toHaveLength(0);
  });

  it('answers a change event 202 as PagerDuty does and stores it as change.recorded', async () => {
    const change = {
      routing_key: LANGFUSE_KEY,
      payload: { summary: 'Deployed prompt v42 to checkout agent', timestamp: '2026-05-03T14:00:00Z', source: 'ci', custom_details: { build: 42 } },
      links: [{ href: 'https://ci.example/build/42', text: 'Build 42' }],
    };
    const res = await intake.post('/v2/change/enqueue', change, asSender);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'success', message: 'Change event processed' });
    expect((await intake.post('/v2/change/enqueue', change, asSender)).status).toBe(202);
    const rows = (await intake.rows('pagerduty')).filter((r) => r.type === 'change.recorded');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.attributes).toEqual({
      summary: 'Deployed prompt v42 to checkout agent',
      origin: 'pagerduty:langfuse',
      affected: 'ci',
      details: { build: 42 },
      links: [{ href: 'https://ci.example/build/42', text: 'Build 42' }],
    });
  });
});
