import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { HeartbeatConfig, heartbeatTarget, PAGERDUTY_EVENTS_URL } from '../../src/observability/heartbeat-config.js';
import { createHeartbeat, PAGERDUTY_DEDUP_KEY, type HeartbeatDeps, type HeartbeatOutcome } from '../../src/observability/heartbeat.js';

type Seen = { method: string; path: string; headers: IncomingMessage['headers']; body: string; at: number };
type Answer = (req: IncomingMessage, res: ServerResponse, n: number) => void;

const servers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of servers.splice(0)) await close();
});

/** A checker on loopback that answers each request with `answer` (by default 200 "OK"). */
async function receiver(answer: Answer = (_req, res) => res.writeHead(200).end('OK')) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, path: req.url!, headers: req.headers, body, at: Date.now() });
      answer(req, res, seen.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function logs() {
  const lines: Array<{ level: string; fields: Record<string, unknown>; msg: string }> = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => void lines.push({ level, fields, msg });
  return { lines, logger: { info: at('info'), warn: at('warn') } as unknown as HeartbeatDeps['logger'] };
}

const SECRET = '2f9b6c1e-5d0a-4e7b-9a55-0c6b1d3e8f42';
const config = (over: Record<string, unknown>) => HeartbeatConfig.parse(over);
const heartbeat = (over: Partial<HeartbeatDeps> & Pick<HeartbeatDeps, 'config'>) =>
  createHeartbeat({ replicaId: 'host-a:4242:abcd1234', leading: () => true, logger: logs().logger, retryBaseMs: 10, ...over });

describe('the heartbeat of Triage itself', () => {
  it('ping: a GET to the URL naming Triage and the replica, and nothing secret besides the URL', async () => {
    const checker = await receiver();
    const result = await heartbeat({ config: config({ url: `${checker.url}/ping/${SECRET}` }) }).beat();
    expect(result).toEqual({ ok: true, value: { status: 200, attempts: 1, at: expect.any(Date) } });
    expect(checker.seen).toHaveLength(1);
    const [ping] = checker.seen;
    expect(ping).toMatchObject({ method: 'GET', path: `/ping/${SECRET}`, body: '' });
    expect(ping!.headers['user-agent']).toMatch(/^triage\/\d+\.\d+\.\d+$/);
    expect(ping!.headers['x-triage-replica']).toBe('host-a:4242:abcd1234');
    expect(ping!.headers.authorization).toBeUndefined();
  });

  it('pagerduty: a POST of an Events API v2 trigger with a stable dedup_key', async () => {
    const checker = await receiver((_req, res) => res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"success","message":"Event processed","dedup_key":"triage-heartbeat"}'));
    const routingKey = 'R0UT1NGKEY0123456789abcdefABCDEF';
    const at = new Date('2026-05-03T15:00:00Z');
    const result = await heartbeat({ config: config({ kind: 'pagerduty', url: `${checker.url}/v2/enqueue`, routingKey }), now: () => at }).beat();
    expect(result).toMatchObject({ ok: true, value: { status: 202 } });
    const [event] = checker.seen;
    expect(event).toMatchObject({ method: 'POST', path: '/v2/enqueue' });
    expect(event!.headers['content-type']).toBe('application/json');
    const body = JSON.parse(event!.body) as Record<string, unknown>;
    expect(body).toEqual({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: PAGERDUTY_DEDUP_KEY,
      payload: {
        summary: expect.stringContaining('Triage heartbeat'),
        source: 'host-a:4242:abcd1234',
        severity: 'critical',
        timestamp: '2026-05-03T15:00:00.000Z',
        component: 'triage',
        class: 'heartbeat',
        custom_details: { replica: 'host-a:4242:abcd1234', version: expect.stringMatching(/^\d+\.\d+\.\d+$/), everySeconds: 60 },
      },
    });
    expect((body.payload as { summary: string }).summary.length).toBeLessThanOrEqual(1024);
  });

  it('pagerduty sends to the Events API v2 endpoint unless told otherwise, and needs a routing key', () => {
    expect(HeartbeatConfig.safeParse({ kind: 'pagerduty' }).success).toBe(false);
    expect(HeartbeatConfig.safeParse({ kind: 'ping', routingKey: 'x' }).success).toBe(false);
    const hb = HeartbeatConfig.parse({ kind: 'pagerduty', routingKey: 'k' });
    expect(heartbeatTarget(hb)).toBe(PAGERDUTY_EVENTS_URL);
    expect(hb.everySeconds).toBe(60);
    expect(heartbeatTarget(HeartbeatConfig.parse({}))).toBeUndefined();
  });

  it('retries a 503 or a reset connection after a jittered wait, and gives up on a 4xx at once without echoing the secret', async () => {
    const flaky = await receiver((req, res, n) => (n === 1 ? res.writeHead(503).end() : n === 2 ? req.socket.destroy() : res.writeHead(200).end('OK')));
    const ok = await heartbeat({ config: config({ url: `${flaky.url}/ping/${SECRET}` }) }).beat();
    expect(ok).toMatchObject({ ok: true, value: { attempts: 3 } });

    const wrong = await receiver((req, res) => res.writeHead(404).end(`no check at ${req.url}`));
    const rejected = await heartbeat({ config: config({ url: `${wrong.url}/ping/${SECRET}` }) }).beat();
    expect(rejected).toEqual({ ok: false, error: { code: 'rejected', status: 404, attempts: 1, message: expect.stringContaining('404') } });
    expect(JSON.stringify(rejected)).not.toContain(SECRET);
    expect(wrong.seen).toHaveLength(1);
  });

  it('each attempt has a deadline, and the tries are bounded', async () => {
    const hung = await receiver(() => {});
    const started = Date.now();
    const result = await heartbeat({ config: config({ url: `${hung.url}/ping/${SECRET}` }), timeoutMs: 200, attempts: 2 }).beat();
    expect(result).toEqual({ ok: false, error: { code: 'failed', attempts: 2, message: expect.stringMatching(/did not finish within 200 ms/) } });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(hung.seen).toHaveLength(2);
  });

  it('stop() cuts a backoff short: a shutdown never waits out a Retry-After', async () => {
    const busy = await receiver((_req, res) => res.writeHead(503, { 'retry-after': '8' }).end());
    const hb = heartbeat({ config: config({ url: busy.url }) });
    const started = Date.now();
    const beating = hb.beat();
    await new Promise((r) => setTimeout(r, 300));
    await hb.stop();
    expect(await beating).toMatchObject({ ok: false, error: { code: 'failed' } });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(busy.seen).toHaveLength(1);
  });

  it('a replica that stops leading stops retrying: the new leader sends the next one', async () => {
    const down = await receiver((_req, res) => res.writeHead(503).end());
    let leading = true;
    // Leadership ends while the first try is under way.
    const now = () => {
      leading = false;
      return new Date();
    };
    const result = await heartbeat({ config: config({ url: down.url }), leading: () => leading, attempts: 5, now }).beat();
    expect(result).toMatchObject({ ok: false, error: { code: 'failed', attempts: 1, status: 503 } });
  });

  it('the timer sends only while this replica leads, counts each outcome, logs failures without the secret, and stop() ends it', async () => {
    let n = 0;
    const checker = await receiver((_req, res) => res.writeHead(++n === 2 ? 404 : 200).end());
    let leading = false;
    const outcomes: HeartbeatOutcome[] = [];
    const { lines, logger } = logs();
    const hb = createHeartbeat({ config: config({ url: `${checker.url}/ping/${SECRET}`, everySeconds: 1 }), replicaId: 'r', leading: () => leading, logger, onOutcome: (o) => outcomes.push(o) });
    hb.start();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(checker.seen).toHaveLength(0);
    leading = true;
    await new Promise((r) => setTimeout(r, 2_300));
    await hb.stop();
    const sent = checker.seen.length;
    expect(sent).toBeGreaterThanOrEqual(2);
    expect(outcomes.slice(0, 2)).toEqual(['ok', 'rejected']);
    await new Promise((r) => setTimeout(r, 1_300));
    expect(checker.seen).toHaveLength(sent);
    const warning = lines.find((l) => l.level === 'warn');
    expect(warning?.fields).toMatchObject({ outcome: 'rejected', status: 404, target: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/…$/) });
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });

  it('is off when nothing is configured, and start() then does nothing', async () => {
    const { lines, logger } = logs();
    const hb = createHeartbeat({ config: config({}), replicaId: 'r', leading: () => true, logger });
    hb.start();
    await hb.stop();
    expect(lines).toEqual([]);
    expect(await hb.beat()).toMatchObject({ ok: false, error: { attempts: 0 } });
  });
});

describe('heartbeat configuration', () => {
  const emptyFile = () => {
    const path = join(mkdtempSync(join(tmpdir(), 'triage-heartbeat-config-')), 'empty.yml');
    writeFileSync(path, '');
    return path;
  };

  it('is off by default, every 60 s', () => {
    const loaded = loadConfig({ TRIAGE_CONFIG: emptyFile() });
    expect(loaded.ok && loaded.value.heartbeat).toEqual({ kind: 'ping', everySeconds: 60 });
  });

  it('reads HEARTBEAT_URL, HEARTBEAT_KIND, HEARTBEAT_ROUTING_KEY and HEARTBEAT_EVERY', () => {
    const ping = loadConfig({ TRIAGE_CONFIG: emptyFile(), HEARTBEAT_URL: `https://hc-ping.com/${SECRET}`, HEARTBEAT_EVERY: '2' });
    expect(ping.ok && ping.value.heartbeat).toEqual({ kind: 'ping', url: `https://hc-ping.com/${SECRET}`, everySeconds: 2 });
    const pd = loadConfig({ TRIAGE_CONFIG: emptyFile(), HEARTBEAT_KIND: 'pagerduty', HEARTBEAT_ROUTING_KEY: 'key-123' });
    expect(pd.ok && pd.value.heartbeat).toEqual({ kind: 'pagerduty', routingKey: 'key-123', everySeconds: 60 });
  });

  it('names a bad value without echoing the URL or the key', () => {
    const bad = loadConfig({ TRIAGE_CONFIG: emptyFile(), HEARTBEAT_URL: `hc-ping.com/${SECRET}`, HEARTBEAT_EVERY: '0' });
    expect(bad.ok).toBe(false);
    const message = !bad.ok ? bad.error.message : '';
    expect(message).toContain('HEARTBEAT_URL');
    expect(message).toContain('HEARTBEAT_EVERY');
    expect(message).not.toContain(SECRET);
    const noKey = loadConfig({ TRIAGE_CONFIG: emptyFile(), HEARTBEAT_KIND: 'pagerduty' });
    expect(!noKey.ok && noKey.error.message).toMatch(/HEARTBEAT_ROUTING_KEY/);
  });
});
