import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createPreviousSecretRecorder } from '../../src/observability/previous-secret.js';
import { oneDatabaseKind } from '../support/databases.js';
import { startTestTriage, type TestTriage } from '../support/triage.js';

const NEW_TOKEN = 'rotation-new-ingest-token-7f3a9c';
const OLD_TOKEN = 'rotation-old-ingest-token-2b8e41';
const UNKNOWN_TOKEN = 'rotation-unknown-token-5d0c66aa';
const SECRETS = [NEW_TOKEN, OLD_TOKEN];

/** Triage's own logger (redaction included) writing into an array: every line a test can see. */
function capturedLogger(level = 'debug') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger(level, stream), lines };
}

let seq = 0;
const batch = () => ({
  events: [{ id: `rotation-${++seq}`, type: 'runtime.heartbeat', source: 'rotation', occurredAt: new Date().toISOString(), attributes: { runtime: 'bash-runtime-mike', intervalSeconds: 30 } }],
});

/**
 * Issue 13, item 4: during a rotation the ingest token and the one before it are both accepted on
 * every route behind it; a refusal says which were tried, never a value; uses of the previous one
 * are counted so the operator sees when it can go.
 */
describe.each(oneDatabaseKind())('rotating INGEST_TOKEN on %s', (kind) => {
  let triage: TestTriage;
  const captured = capturedLogger();
  const bodies: string[] = [];

  const call = async (method: 'GET' | 'POST', path: string, authorization: string | null, body?: unknown) => {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (authorization !== null) headers.authorization = authorization;
    const res = await fetch(triage.url + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    bodies.push(text);
    return { status: res.status, text };
  };
  const previousUses = async (): Promise<number | undefined> => {
    const text = (await call('GET', '/metrics', null)).text;
    const line = text.split('\n').find((l) => l.startsWith('triage_auth_previous_secret_used_total{secret="ingest_token"}'));
    return line === undefined ? undefined : Number(line.split(' ').at(-1));
  };

  beforeAll(async () => {
    triage = await startTestTriage(kind, { ingestToken: NEW_TOKEN, ingestTokenPrevious: OLD_TOKEN }, { logger: captured.logger });
  });
  afterAll(async () => triage?.close());

  it('the counter is there at 0 before anyone uses the previous token', async () => {
    expect(await previousUses()).toBe(0);
  });

  it('accepts the new token without counting it, and the previous one counted', async () => {
    expect((await call('POST', '/v1/events', `Bearer ${NEW_TOKEN}`, batch())).status).toBe(202);
    expect(await previousUses()).toBe(0);
    expect((await call('POST', '/v1/events', `Bearer ${OLD_TOKEN}`, batch())).status).toBe(202);
    expect((await call('POST', '/v1/events', `Bearer ${OLD_TOKEN}`, batch())).status).toBe(202);
    expect(await previousUses()).toBe(2);
    // The first use is logged by the name of the variable, so the log shows the rotation is not over.
    expect(captured.lines.some((l) => l.includes('INGEST_TOKEN_PREVIOUS') && l.includes('triage_auth_previous_secret_used_total'))).toBe(true);
  });

  it('every route behind the ingest token takes either token: Alertmanager, the minutes, the simulator', async () => {
    const webhook = { version: '4', status: 'firing', receiver: 'triage', groupKey: 'g', alerts: [{ status: 'firing', labels: { alertname: 'Rotation' }, annotations: {}, startsAt: new Date().toISOString(), fingerprint: 'rot1' }] };
    for (const token of SECRETS) {
      expect((await call('POST', '/v1/ingest/alertmanager', `Bearer ${token}`, webhook)).status, token === OLD_TOKEN ? 'old' : 'new').toBe(202);
      // No incident #999: past the token, the route's own answer.
      expect((await call('GET', '/incidents/999/postmortem.md', `Bearer ${token}`)).status).toBe(404);
      expect((await call('GET', '/platform/runtimes', `Bearer ${token}`)).status).toBe(200);
    }
    expect(await previousUses()).toBe(5);
  });

  it('refuses an unknown token with 401 naming both tokens tried, and counts nothing', async () => {
    const neither = 'the bearer token matches neither the current ingest token (INGEST_TOKEN) nor the previous one (INGEST_TOKEN_PREVIOUS)';
    for (const [method, path, body] of [['POST', '/v1/events', batch()], ['POST', '/v1/ingest/alertmanager', {}], ['GET', '/incidents/1/postmortem.md', undefined], ['GET', '/platform/runtimes', undefined]] as const) {
      const refused = await call(method, path, `Bearer ${UNKNOWN_TOKEN}`, body);
      expect(refused.status, path).toBe(401);
      expect((JSON.parse(refused.text) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'unauthorized', message: expect.stringContaining(neither) });
    }
    expect(await previousUses()).toBe(5);
  });

  it('says what was wrong when there is no token at all, or not a bearer one', async () => {
    const missing = await call('POST', '/v1/events', null, batch());
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.text)).toMatchObject({ error: { message: expect.stringMatching(/^no Authorization header/) } });
    const basic = await call('POST', '/v1/events', `Basic ${OLD_TOKEN}`, batch());
    expect(basic.status).toBe(401);
    expect(JSON.parse(basic.text)).toMatchObject({ error: { message: expect.stringMatching(/^the Authorization header is not "Bearer <token>"/) } });
  });

  it('no token value appears in any response body or log line', () => {
    expect(bodies.length).toBeGreaterThan(10);
    expect(captured.lines.length).toBeGreaterThan(0);
    for (const text of [...bodies, ...captured.lines]) {
      for (const secret of [...SECRETS, UNKNOWN_TOKEN]) expect(text).not.toContain(secret);
    }
  });
});

describe('the previous-secret recorder', () => {
  it('counts every use and logs the first, then at most one line per ten minutes with the uses since', async () => {
    const metrics = createMetrics();
    const captured = capturedLogger('info');
    let now = 0;
    const used = createPreviousSecretRecorder({ metrics, logger: captured.logger, configured: ['ingest_token'], now: () => now });
    used('ingest_token');
    now += 60_000;
    used('ingest_token');
    used('ingest_token');
    now += 10 * 60_000;
    used('ingest_token');
    const lines = captured.lines.map((l) => JSON.parse(l) as { variable: string; uses: number });
    expect(lines.map((l) => [l.variable, l.uses])).toEqual([['INGEST_TOKEN_PREVIOUS', 1], ['INGEST_TOKEN_PREVIOUS', 3]]);
    expect(await metrics.registry.getSingleMetricAsString('triage_auth_previous_secret_used_total')).toContain('triage_auth_previous_secret_used_total{secret="ingest_token"} 4');
    metrics.stop();
  });
});

describe('configuring a previous secret', () => {
  const load = (env: Record<string, string>) => loadConfig({ TRIAGE_CONFIG: '/dev/null', ...env });

  it('INGEST_TOKEN_PREVIOUS alongside INGEST_TOKEN is read as a secret', () => {
    const loaded = load({ INGEST_TOKEN: NEW_TOKEN, INGEST_TOKEN_PREVIOUS: OLD_TOKEN });
    expect(loaded.ok && [loaded.value.ingestToken, loaded.value.ingestTokenPrevious]).toEqual([NEW_TOKEN, OLD_TOKEN]);
  });

  it('a previous value without a current one is an error that says so, without the value', () => {
    const ingest = load({ INGEST_TOKEN_PREVIOUS: OLD_TOKEN });
    expect(ingest.ok).toBe(false);
    if (ingest.ok) return;
    expect(ingest.error.problems).toEqual([expect.stringMatching(/^INGEST_TOKEN_PREVIOUS: is set but INGEST_TOKEN is not; .*\(set the new token as INGEST_TOKEN\)/)]);
    expect(ingest.error.message).not.toContain(OLD_TOKEN);

    const slack = load({ SLACK_SIGNING_SECRET_PREVIOUS: OLD_TOKEN });
    expect(slack.ok).toBe(false);
    if (slack.ok) return;
    expect(slack.error.problems).toEqual([expect.stringMatching(/^SLACK_SIGNING_SECRET_PREVIOUS is set but SLACK_SIGNING_SECRET is not; /)]);
    expect(slack.error.message).not.toContain(OLD_TOKEN);
  });

  it('a malformed previous token is reported hidden', () => {
    const short = load({ INGEST_TOKEN: NEW_TOKEN, INGEST_TOKEN_PREVIOUS: 'short-old' });
    expect(!short.ok && short.error.problems).toEqual(['INGEST_TOKEN_PREVIOUS: must be at least 16 characters; found (hidden)']);
  });

  it('the logger redacts the new keys wherever a config is logged', () => {
    const captured = capturedLogger('info');
    captured.logger.info({ ingestTokenPrevious: OLD_TOKEN, slack: { signingSecretPrevious: OLD_TOKEN } }, 'config');
    expect(captured.lines.join('')).not.toContain(OLD_TOKEN);
  });
});
