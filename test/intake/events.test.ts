import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { startTestTriage, type TestTriage } from '../support/triage.js';

const heartbeat = (id: string, runtime = 'bash-runtime-mike') => ({
  id,
  type: 'runtime.heartbeat',
  source: 'platform-a',
  occurredAt: '2026-05-03T14:30:00Z',
  attributes: { runtime, intervalSeconds: 30 },
});

describe.each(databaseKinds())('POST /v1/events on %s', (kind) => {
  let triage: TestTriage;
  beforeAll(async () => {
    triage = await startTestTriage(kind);
  });
  afterAll(async () => triage?.close());

  const stored = async (source: string) =>
    (await triage.database.query<{ n: number }>(sql`select count(*)::int as n from events where source = ${source}`))[0]!.n;

  it('stores a valid batch and answers 202 with counts', async () => {
    const res = await triage.post('/v1/events', { events: [heartbeat('h1'), heartbeat('h2')] });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 2, duplicates: 0, warnings: [] });
    const rows = await triage.database.query<{ event_key: string; attributes: { runtime: string } }>(
      sql`select event_key, attributes from events where source = 'platform-a' order by event_key`,
    );
    expect(rows.map((r) => r.event_key)).toEqual(['h1', 'h2']);
    expect(rows[0]!.attributes.runtime).toBe('bash-runtime-mike');
  });

  it('counts a resent id as a duplicate and stores it once', async () => {
    const res = await triage.post('/v1/events', { events: [heartbeat('d1'), heartbeat('d1'), heartbeat('h1')] });
    expect(await res.json()).toMatchObject({ accepted: 1, duplicates: 2 });
    const rows = await triage.database.query<{ n: number }>(
      sql`select count(*)::int as n from events where source = 'platform-a' and event_key in ('d1','h1')`,
    );
    expect(rows[0]!.n).toBe(2);
  });

  it('treats the same id from another source as a different event', async () => {
    const res = await triage.post('/v1/events', { events: [{ ...heartbeat('h1'), source: 'platform-b' }] });
    expect(await res.json()).toMatchObject({ accepted: 1, duplicates: 0 });
  });

  it('stores unknown types and says so in warnings', async () => {
    const res = await triage.post('/v1/events', {
      events: [heartbeat('w1'), { type: 'custom.thing', source: 'warn-src', occurredAt: '2026-05-03T14:30:00Z', attributes: { a: 1 } }],
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { warnings: Array<{ index: number; code: string; message: string }> };
    expect(body.warnings).toEqual([expect.objectContaining({ index: 1, code: 'unknown_type' })]);
    expect(body.warnings[0]!.message).toContain('custom.thing');
    expect(await stored('warn-src')).toBe(1);
  });

  it('rejects a batch with one bad event whole, naming index, field and reason', async () => {
    const res = await triage.post('/v1/events', {
      events: [
        { ...heartbeat('ok-1'), source: 'bad-batch' },
        { ...heartbeat('bad-1'), source: 'bad-batch', attributes: { runtime: 'r', intervalSeconds: 'soon' } },
        { type: 'runtime.disconnected', source: 'bad-batch', occurredAt: 'yesterday', attributes: { runtime: 'r', reason: 'gremlins' } },
      ],
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; problems: Array<{ index: number; field: string; reason: string }> } };
    expect(body.error.code).toBe('invalid_events');
    expect(body.error.message).toBe('2 of 3 events are invalid; nothing was stored');
    const fields = body.error.problems.map((p) => `${p.index}:${p.field}`);
    expect(fields).toEqual(expect.arrayContaining(['1:attributes.intervalSeconds', '2:occurredAt', '2:attributes.reason']));
    expect(fields.some((f) => f.startsWith('0:'))).toBe(false);
    expect(await stored('bad-batch')).toBe(0);
  });

  it('refuses a missing or wrong token with 401 and stores nothing', async () => {
    const batch = { events: [{ ...heartbeat('auth-1'), source: 'auth-src' }] };
    expect((await triage.post('/v1/events', batch, { token: null })).status).toBe(401);
    const wrong = await triage.post('/v1/events', batch, { token: 'not-the-token-at-all' });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(await wrong.json())).not.toContain('test-ingest-token');
    expect(await stored('auth-src')).toBe(0);
  });

  it('answers 415 for a wrong content type, 400 for broken JSON, 413 for a body over 1 MiB', async () => {
    const wrongType = await triage.post('/v1/events', null, { contentType: 'text/plain', raw: 'hello' });
    expect(wrongType.status).toBe(415);
    expect(((await wrongType.json()) as { error: { message: string } }).error.message).toContain('text/plain');

    const broken = await triage.post('/v1/events', null, { raw: '{"events": [' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { code: string } }).error.code).toBe('invalid_json');

    const big = { events: Array.from({ length: 6000 }, (_, i) => ({ ...heartbeat(`big-${i}`), source: 'big-src', attributes: { runtime: 'x'.repeat(150), intervalSeconds: 30 } })) };
    const tooLarge = await triage.post('/v1/events', big);
    expect(tooLarge.status).toBe(413);
    expect(await stored('big-src')).toBe(0);
  });

  it('rejects a body that is not {"events": [...]} or is empty', async () => {
    const notBatch = await triage.post('/v1/events', [heartbeat('x')]);
    expect(notBatch.status).toBe(400);
    const empty = await triage.post('/v1/events', { events: [] });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { message: string } }).error.message).toContain('at least one event');
  });

  it('coalesces concurrent requests into one write each round trip, losing none', async () => {
    const requests = Array.from({ length: 16 }, (_, r) =>
      triage.post('/v1/events', { events: Array.from({ length: 50 }, (_, i) => ({ ...heartbeat(`c-${r}-${i}`), source: 'storm' })) }),
    );
    const answers = await Promise.all(requests.map(async (p) => (await p).json() as Promise<{ accepted: number }>));
    expect(answers.reduce((sum, a) => sum + a.accepted, 0)).toBe(800);
    expect(await stored('storm')).toBe(800);
  });

  it('counts intake outcomes in /metrics', async () => {
    const text = await (await fetch(triage.url + '/metrics')).text();
    expect(text).toMatch(/triage_intake_events_accepted_total\{path="events"\} \d+/);
    expect(text).toMatch(/triage_intake_rejected_total\{path="events",reason="unauthorized"\} 2/);
    expect(text).toMatch(/triage_intake_rejected_total\{path="events",reason="body_too_large"\} 1/);
    expect(text).toContain('triage_http_request_duration_seconds_bucket');
    expect(text).toContain('triage_event_loop_lag_p99_seconds');
  });
});
