import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createPostgresDatabase, realPostgresUrl } from '../support/databases.js';
import type { TriageProcess } from '../support/process.js';
import { startPgProxy } from '../support/pg-proxy.js';
import { observe, sleep, startReplica, stopAll, waitFor } from '../support/replicas.js';

/** One heartbeat as the checker saw it. */
type Ping = { at: number; replica: string; userAgent: string; method: string; path: string };

/** A healthchecks-style checker on loopback: records every request, answers 200 "OK". */
async function startReceiver(): Promise<{ url: string; pings: Ping[]; close(): Promise<void> }> {
  const pings: Ping[] = [];
  const server: Server = createHttpServer((req, res) => {
    pings.push({ at: Date.now(), replica: String(req.headers['x-triage-replica'] ?? ''), userAgent: String(req.headers['user-agent'] ?? ''), method: req.method ?? '', path: req.url ?? '' });
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, pings, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// A fresh connection per probe, as a kubelet makes: a kept-alive socket may be closed by the
// server's keep-alive timeout just as the next probe is written, which says nothing about Triage.
const probe = (url: string) => fetch(url, { headers: { connection: 'close' }, signal: AbortSignal.timeout(10_000) });

const readyz = async (url: string): Promise<{ status: number; body: { status?: string; reason?: string }; ms: number }> => {
  const started = Date.now();
  const res = await probe(url + '/readyz');
  return { status: res.status, body: (await res.json()) as { status?: string; reason?: string }, ms: Date.now() - started };
};

const pidOf = (replica: string) => Number(replica.split(':')[1]);
const gaps = (pings: Ping[]) => pings.slice(1).map((p, i) => p.at - pings[i]!.at);

/**
 * Triage's own dead-man's switch (src/observability/heartbeat.ts) and readiness while PostgreSQL
 * is out of reach (src/http/health-routes.ts), on real processes and a real PostgreSQL.
 */
describe.runIf(realPostgresUrl())('knowing when Triage itself is down', () => {
  const running: TriageProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await stopAll(running.splice(0));
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('two replicas: heartbeats come every 2 s from the leader only; after SIGKILL of the leader they resume from the other within the takeover time', async () => {
    const db = await createPostgresDatabase();
    cleanups.push(db.drop);
    const seen = observe(db.url);
    cleanups.push(() => seen.close());
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const secret = randomUUID();
    const env = { HEARTBEAT_URL: `${receiver.url}/ping/${secret}`, HEARTBEAT_EVERY: '2' };
    const a = await startReplica(db.url, '', env);
    running.push(a);
    const b = await startReplica(db.url, '', env);
    running.push(b);
    const leader = await waitFor(async () => (await seen.leader())?.holder, 20_000);
    expect(leader).toContain(`:${a.child.pid}:`);

    // Seven seconds of heartbeats with both replicas up: three or four, every 2 s, from one.
    await waitFor(async () => receiver.pings.length > 0, 10_000);
    const from = receiver.pings.length;
    await sleep(7_000);
    const window = receiver.pings.slice(from);
    expect(window.length).toBeGreaterThanOrEqual(3);
    expect(window.length).toBeLessThanOrEqual(4);
    expect(new Set(window.map((p) => p.replica))).toEqual(new Set([leader]));
    for (const gap of gaps(window)) {
      expect(gap).toBeGreaterThan(1_500);
      expect(gap).toBeLessThan(2_500);
    }
    expect(window[0]!.userAgent).toMatch(/^triage\/\d+\.\d+\.\d+/);
    expect(window[0]!).toMatchObject({ method: 'GET', path: `/ping/${secret}` });
    const metrics = await (await fetch(a.url + '/metrics')).text();
    expect(Number(/^triage_heartbeat_sent_total\{outcome="ok"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(3);

    a.child.kill('SIGKILL');
    const killedAt = Date.now();
    const resumed = await waitFor(async () => receiver.pings.find((p) => p.at > killedAt && pidOf(p.replica) === b.child.pid), 25_000, 100);
    expect(resumed, 'no heartbeat from the survivor').toBeDefined();
    expect(resumed!.at - killedAt).toBeLessThanOrEqual(15_000);
    await sleep(4_500);
    const after = receiver.pings.filter((p) => p.at >= resumed!.at);
    expect(new Set(after.map((p) => pidOf(p.replica)))).toEqual(new Set([b.child.pid]));
    expect(after.length).toBeGreaterThanOrEqual(3);

    // The URL's token is a secret: it is in no log line of either replica.
    expect(a.output()).toContain('heartbeat of Triage itself is on');
    expect(a.output() + b.output()).not.toContain(secret);
  }, 180_000);

  it('/readyz answers 503 with the reason while PostgreSQL is out of reach (reset or partitioned), 200 again once it is back; the process stays up, and heartbeats stop meanwhile', async () => {
    const db = await createPostgresDatabase();
    cleanups.push(db.drop);
    const real = new URL(db.url);
    const proxy = await startPgProxy({ host: real.hostname, port: Number(real.port || 5432) });
    cleanups.push(proxy.close);
    const viaProxy = new URL(db.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const triage = await startReplica(viaProxy.toString(), '', { HEARTBEAT_URL: `${receiver.url}/ping/${randomUUID()}`, HEARTBEAT_EVERY: '1' });
    running.push(triage);
    expect((await readyz(triage.url)).status).toBe(200);
    await waitFor(async () => receiver.pings.length > 0, 15_000);

    for (const breakage of ['cut', 'blackhole'] as const) {
      proxy[breakage]();
      const brokenAt = Date.now();
      const notReady = await waitFor(async () => {
        const r = await readyz(triage.url);
        return r.status === 503 ? r : undefined;
      }, 10_000, 200);
      expect(notReady, `${breakage}: /readyz stayed ready`).toBeDefined();
      expect(Date.now() - brokenAt).toBeLessThanOrEqual(5_000);
      expect(notReady!.body).toEqual({ status: 'not_ready', reason: expect.stringMatching(breakage === 'cut' ? /^database unreachable: \S/ : /^database did not answer within 2000 ms$/) });

      // Broken for a while: every answer is a prompt 503 (a hung pool does not hang /readyz),
      // the process lives, and once the lease has run out the heartbeats stop.
      for (let i = 0; i < 6; i++) {
        const r = await readyz(triage.url);
        expect(r.status).toBe(503);
        expect(r.ms).toBeLessThan(3_000);
        expect((await probe(triage.url + '/healthz')).status).toBe(200);
        await sleep(1_000);
      }
      await sleep(Math.max(0, brokenAt + 12_000 - Date.now()));
      const silentFrom = Date.now();
      await sleep(3_000);
      expect(receiver.pings.filter((p) => p.at >= silentFrom), `${breakage}: heartbeats went on without the database`).toEqual([]);
      expect(triage.child.exitCode).toBeNull();

      proxy.restore();
      const restoredAt = Date.now();
      const ready = await waitFor(async () => ((await readyz(triage.url)).status === 200 ? true : undefined), 30_000, 250);
      expect(ready, `${breakage}: not ready again:\n${triage.output().slice(-3000)}`).toBe(true);
      expect(Date.now() - restoredAt).toBeLessThanOrEqual(15_000);
      // Leading again (it is the only replica), it sends heartbeats again.
      const again = await waitFor(async () => receiver.pings.some((p) => p.at > restoredAt), 20_000);
      expect(again, `${breakage}: heartbeats did not resume`).toBe(true);
    }
    expect(triage.child.exitCode).toBeNull();
  }, 240_000);
});
