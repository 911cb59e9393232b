import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTriage, TEST_TOKEN, type TestTriage } from '../support/triage.js';

/** A raw request: fetch would normalise or refuse the very targets this test sends. */
function raw(url: string, method: string, target: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path: target, headers, timeout: 5_000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to ${method} ${target} within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** Malformed request targets get a 400 that says what was wrong, and HEAD is answered as GET. */
describe('request targets', () => {
  let triage: TestTriage;
  beforeAll(async () => {
    triage = await startTestTriage('pglite');
  });
  afterAll(() => triage.close());

  it('answers a path segment that is not valid percent-encoding with 400 and the reason', async () => {
    const answer = await raw(triage.url, 'GET', '/incidents/%FF/postmortem.md', { authorization: `Bearer ${TEST_TOKEN}` });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'bad_path' } });
    expect(answer.body).toContain('%FF');
  });

  it('answers HEAD as GET, without a body', async () => {
    const head = await raw(triage.url, 'HEAD', '/healthz');
    expect(head).toEqual({ status: 200, body: '' });
    expect((await raw(triage.url, 'HEAD', '/readyz')).status).toBe(200);
    expect((await raw(triage.url, 'HEAD', '/no/such/route')).status).toBe(404);
  });

  it('never fails with a 5xx or hangs, whatever the path (500 random targets)', async () => {
    const segment = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.constantFrom('%', '%F', '%FF', '%E2%82', '%2e%2e', '..', '.', '%00', ':id', 'postmortem.md'),
    );
    const target = fc
      .array(segment, { minLength: 1, maxLength: 5 })
      .map((parts) => '/' + parts.map((p) => encodeURI(p).replace(/%25/g, '%')).join('/'));
    await fc.assert(
      fc.asyncProperty(target, fc.constantFrom('GET', 'HEAD', 'POST', 'DELETE'), async (path, method) => {
        const answer = await raw(triage.url, method, path, { authorization: `Bearer ${TEST_TOKEN}` });
        expect(answer.status, `${method} ${path}: ${answer.body}`).toBeGreaterThanOrEqual(200);
        expect(answer.status, `${method} ${path}: ${answer.body}`).toBeLessThan(500);
      }),
      { numRuns: 500 },
    );
  }, 120_000);
});
