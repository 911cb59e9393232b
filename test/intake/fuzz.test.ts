import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTriage, type TestTriage } from '../support/triage.js';

/**
 * Garbage on the intake routes (a buggy sender, a fuzzer, someone's curl): every answer is a 4xx
 * with a reason or a 202, never a 5xx or a hang, and nothing refused is written.
 */
describe('intake under hostile bodies', () => {
  let triage: TestTriage;
  beforeAll(async () => {
    triage = await startTestTriage('pglite');
  });
  afterAll(() => triage.close());

  const event = fc.record(
    {
      id: fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.constant(null)),
      type: fc.oneof(fc.constantFrom('runtime.heartbeat', 'runtime.execution_failed', 'loop.started', 'made.up'), fc.string({ maxLength: 20 }), fc.integer()),
      source: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(''), fc.integer()),
      occurredAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string({ maxLength: 30 }), fc.integer()),
      attributes: fc.oneof(fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }), fc.jsonValue({ maxDepth: 1 })),
    },
    { requiredKeys: [] },
  );
  // Well-formed events among the garbage, so the test also sees what is accepted get written.
  const valid = fc.oneof(
    fc.record({ id: fc.uuid(), type: fc.constant('runtime.heartbeat'), source: fc.constant('fuzz'), occurredAt: fc.constant(new Date().toISOString()), attributes: fc.record({ runtime: fc.string({ minLength: 1, maxLength: 20 }), intervalSeconds: fc.integer({ min: 1, max: 600 }) }) }),
    fc.record({ id: fc.uuid(), type: fc.constant('vendor.custom_signal'), source: fc.constant('fuzz'), occurredAt: fc.constant(new Date().toISOString()), attributes: fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }) }),
  );
  const body = fc.oneof(
    fc.record({ events: fc.array(valid, { minLength: 1, maxLength: 3 }) }).map((b) => JSON.stringify(b)),
    fc.record({ events: fc.array(event, { maxLength: 4 }) }).map((b) => JSON.stringify(b)),
    fc.record({ events: fc.jsonValue({ maxDepth: 2 }) }).map((b) => JSON.stringify(b)),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 200 }),
    fc.constantFrom('', '{', '{"events":', '{"events":[{}]}', '[]', 'null', '{"version":"4","alerts":[{}]}'),
  );

  async function storedEvents(): Promise<number> {
    const [row] = await triage.database.query<{ n: number }>(sql`select count(*)::int as n from events`);
    return Number(row!.n);
  }

  // Found by fuzzing (test/fuzz/): these failed the batched INSERT, so intake answered 503 "retry
  // later" for ever, and every other request batched into the same statement failed with it.
  it('refuses a NUL or an unpaired surrogate anywhere in the body with a 400 naming where, and stores the clean batch sent with it', async () => {
    const before = await storedEvents();
    const event = (id: string, attributes: object) => ({ id, type: 'vendor.custom_signal', source: 'fuzz', occurredAt: new Date().toISOString(), attributes });
    const webhook = { version: '4', groupKey: 'g', status: 'firing', receiver: 'triage', alerts: [{ status: 'firing', labels: { alertname: 'Disk\u0000' }, startsAt: new Date().toISOString(), fingerprint: 'f00' }] };
    const [nul, surrogate, alert, clean] = await Promise.all([
      triage.post('/v1/events', { events: [event('nul-1', { note: 'a\u0000b' })] }),
      triage.post('/v1/events', { events: [event('\ud800', {})] }),
      triage.post('/v1/ingest/alertmanager', webhook),
      triage.post('/v1/events', { events: [event(`clean-${Date.now()}`, { note: 'fine 🚀' })] }),
    ]);
    for (const [res, at] of [[nul, 'events.0.attributes.note'], [surrogate, 'events.0.id'], [alert, 'alerts.0.labels.alertname']] as const) {
      expect(res.status).toBe(400);
      expect((await res.json()) as unknown).toMatchObject({ error: { code: 'invalid_json', message: expect.stringContaining(at) } });
    }
    expect(clean.status).toBe(202);
    await triage.writer.drain();
    expect(await storedEvents()).toBe(before + 1);
  });

  it.each(['/v1/events', '/v1/ingest/alertmanager'])('%s answers 500 random bodies with 202 or a 4xx that says why, and writes only what it accepted', async (path) => {
    let accepted = 0;
    const before = await storedEvents();
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8'), async (raw, contentType) => {
        const res = await triage.post(path, undefined, { raw, contentType });
        const text = await res.text();
        expect(res.status, `${raw} → ${text}`).not.toBeGreaterThanOrEqual(500);
        if (res.status === 202) {
          const answer = JSON.parse(text) as { accepted: number };
          accepted += answer.accepted;
        } else {
          expect(res.status, text).toBeGreaterThanOrEqual(400);
          expect(text.length, 'a refusal says why').toBeGreaterThan(10);
        }
      }),
      { numRuns: 500 },
    );
    await triage.writer.drain();
    // Ids are unique, so every accepted event is one row, and nothing refused left a row.
    if (path === '/v1/events') expect(accepted).toBeGreaterThan(0);
    expect(await storedEvents()).toBe(before + accepted);
  }, 120_000);
});
