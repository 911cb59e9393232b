import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { checkReadiness } from '../../src/http/health-routes.js';
import { startTestTriage, type TestTriage } from '../support/triage.js';

describe('health and readiness', () => {
  let triage: TestTriage;
  beforeAll(async () => {
    triage = await startTestTriage('pglite');
  });
  afterAll(async () => triage?.close());

  it('answers /healthz and /readyz when the database is migrated', async () => {
    expect((await fetch(triage.url + '/healthz')).status).toBe(200);
    const ready = await fetch(triage.url + '/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('is not ready on a database that has not been migrated, and says why', async () => {
    const fresh: Database = await openDatabase({ kind: 'pglite' });
    try {
      const readiness = await checkReadiness(fresh);
      expect(readiness).toEqual({ ready: false, reason: expect.stringMatching(/not migrated: 0 of \d+ migrations applied/) });
    } finally {
      await fresh.close();
    }
  });

  it('is not ready when the database is gone', async () => {
    const gone = await openDatabase({ kind: 'pglite' });
    await gone.close();
    const readiness = await checkReadiness(gone);
    expect(readiness.ready).toBe(false);
    expect(!readiness.ready && readiness.reason).toMatch(/database unreachable/);
  });

  it('answers unknown paths with 404 and wrong methods with 405, in JSON', async () => {
    const missing = await fetch(triage.url + '/nope');
    expect(missing.status).toBe(404);
    const wrongMethod = await fetch(triage.url + '/v1/events');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('answers 503 with Retry-After when events cannot be stored, and stores nothing', async () => {
    const broken = await startTestTriage('pglite');
    await broken.testDatabase.close();
    const res = await broken.post('/v1/events', {
      events: [{ type: 'runtime.heartbeat', source: 's', occurredAt: '2026-05-03T14:30:00Z', attributes: { runtime: 'r', intervalSeconds: 30 } }],
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('storage_unavailable');
    expect((await fetch(broken.url + '/readyz')).status).toBe(503);
    await broken.stop();
  });
});
