import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { TypedEvent } from '../../src/events/vocabulary.js';
import { runScenarioCli } from '../../src/platform/scenarios/cli.js';
import { findScenario } from '../../src/platform/scenarios/index.js';
import { groupBySendTime, playScenario, type PlayOptions, type PlayProgress } from '../../src/platform/scenarios/player.js';
import { timeline, type Scenario } from '../../src/platform/scenarios/timeline.js';

const TOKEN = 'trg_test_token_0123456789abcdef';
const START = new Date('2026-05-03T15:19:00.000Z');

type Received = { at: number; authorization?: string; contentType?: string; body: { events: TypedEvent[] } };
type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang';
type Intake = { url: string; received: Received[]; server: Server };

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/**
 * A real HTTP server shaped like Triage's intake: 202 `{ accepted, duplicates, warnings }`,
 * duplicates decided by event id. `answer` can override the reply for the nth request (0-based).
 */
async function startIntake(answer: (n: number) => Answer | undefined = () => undefined): Promise<Intake> {
  const received: Received[] = [];
  const seen = new Set<string>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received['body'];
      const n = received.length;
      received.push({ at: performance.now(), authorization: req.headers.authorization, contentType: req.headers['content-type'], body });
      const override = answer(n);
      if (override === 'hang') return;
      if (override) {
        res.writeHead(override.status, { 'content-type': 'application/json', ...override.headers });
        res.end(typeof override.body === 'string' ? override.body : JSON.stringify(override.body ?? {}));
        return;
      }
      let accepted = 0;
      let duplicates = 0;
      for (const e of body.events) {
        if (seen.has(e.id!)) {
          duplicates++;
        } else {
          seen.add(e.id!);
          accepted++;
        }
      }
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ accepted, duplicates, warnings: [] }));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

/** Three batches a second apart, two events each. */
const small: Scenario = {
  name: 'small',
  title: 'Small',
  description: 'three batches for player tests',
  build(start) {
    const t = timeline('small', start, 'test');
    for (const atMs of [0, 1000, 2000]) {
      t.at(atMs).emit(0, 'runtime.heartbeat', { runtime: `r-${atMs}`, intervalSeconds: 30 });
      t.emit(0, 'probe.result', { probe: `p-${atMs}`, ok: true });
    }
    return t.events();
  },
};

const fast: Partial<PlayOptions> = { retry: { attempts: 3, baseMs: 5, capMs: 20 }, requestTimeoutMs: 2000 };
const play = (url: string, overrides: Partial<PlayOptions> = {}) =>
  playScenario({ scenario: small, url, token: TOKEN, speed: 100, start: START, ...fast, ...overrides });

describe('playScenario against a real HTTP intake', () => {
  it('sends the seed incident batch by batch, in order, with the bearer token and JSON content type', async () => {
    const intake = await startIntake();
    const scenario = findScenario('cascading-failure')!;
    const result = await playScenario({ scenario, url: `${intake.url}/`, token: TOKEN, speed: 50, start: START });

    const expected = scenario.build(START);
    const batches = groupBySendTime(expected);
    expect(intake.received).toHaveLength(batches.length);
    expect(intake.received.flatMap((r) => r.body.events.map((e) => e.id))).toEqual(expected.map((s) => s.event.id));
    expect(intake.received.map((r) => r.body.events.length)).toEqual(batches.map((b) => b.events.length));
    for (const r of intake.received) {
      expect(r.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.contentType).toBe('application/json');
    }
    expect(result).toEqual({
      ok: true,
      value: { batches: batches.length, events: expected.length, accepted: expected.length, duplicates: 0, warnings: 0 },
    });
  });

  it('is deduplicated when the same run is replayed, and not when a new run starts', async () => {
    const intake = await startIntake();
    await play(intake.url);
    expect(await play(intake.url)).toMatchObject({ ok: true, value: { accepted: 0, duplicates: 6 } });
    expect(await play(intake.url, { start: new Date(START.getTime() + 60_000) })).toMatchObject({ ok: true, value: { accepted: 6, duplicates: 0 } });
  });

  it('waits atMs / speed between sends: speed 10 plays a 2 s schedule in about 0.2 s', async () => {
    const intake = await startIntake();
    // The schedule runs from the play's start, not from the first arrival (which pays for the connection).
    const began = performance.now();
    await play(intake.url, { speed: 10 });
    const [, second, third] = intake.received.map((r) => r.at - began);
    expect(second).toBeGreaterThanOrEqual(95);
    expect(third).toBeGreaterThanOrEqual(195);
    expect(third).toBeLessThan(1000);
  });

  it('retries a 503 and succeeds on the next 202, resending the same batch', async () => {
    const intake = await startIntake((n) => (n === 0 ? { status: 503, body: { error: { code: 'unavailable', message: 'database is starting' } } } : undefined));
    const progress: PlayProgress[] = [];
    const result = await play(intake.url, { onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ ok: true, value: { batches: 3, accepted: 6 } });
    expect(intake.received).toHaveLength(4);
    expect(intake.received[1]!.body).toEqual(intake.received[0]!.body);
    expect(progress[0]).toMatchObject({ kind: 'retrying', batch: 1, attempt: 1, reason: '503 unavailable: database is starting' });
  });

  it('honours Retry-After on a 429: the wait is never shorter than the server asked', async () => {
    const intake = await startIntake((n) => (n === 0 ? { status: 429, headers: { 'retry-after': '2' } } : undefined));
    const waits: number[] = [];
    const single: Scenario = { ...small, build: (start) => small.build(start).filter((s) => s.atMs === 0) };
    const result = await play(intake.url, { scenario: single, sleep: async (ms) => void waits.push(ms) });
    expect(result.ok).toBe(true);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(2000);
  });

  it('stops at a 400 with the server\'s message, without retrying or sending later batches', async () => {
    const message = 'events[0].attributes.runtime: Invalid input: expected string';
    const intake = await startIntake((n) => (n === 1 ? { status: 400, body: { error: { code: 'invalid_events', message } } } : undefined));
    const result = await play(intake.url);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: 'rejected', status: 400, batch: 2, sent: { batches: 1, events: 2, accepted: 2 } });
    expect(result.error.message).toContain(message);
    expect(result.error.message).toContain('invalid_events');
    expect(intake.received).toHaveLength(2);
  });

  it('times out a server that never answers, retries within its bound, then reports the timeout', async () => {
    const intake = await startIntake(() => 'hang');
    const began = performance.now();
    const result = await play(intake.url, { requestTimeoutMs: 150, retry: { attempts: 2, baseMs: 5, capMs: 10 } });
    expect(result).toMatchObject({ ok: false, error: { code: 'timeout', batch: 1 } });
    if (!result.ok) expect(result.error.message).toContain('within 150 ms');
    expect(intake.received).toHaveLength(2);
    expect(performance.now() - began).toBeLessThan(2000);
  });

  it('gives up on a server that keeps failing after the bounded attempts', async () => {
    const intake = await startIntake(() => ({ status: 500, body: 'upstream exploded' }));
    const result = await play(intake.url);
    expect(result).toMatchObject({ ok: false, error: { code: 'server_error', status: 500 } });
    if (!result.ok) expect(result.error.message).toContain('upstream exploded');
    expect(intake.received).toHaveLength(3);
  });

  it('reports an answer that is not the intake\'s shape instead of counting nonsense', async () => {
    const intake = await startIntake(() => ({ status: 202, body: { ok: true } }));
    expect(await play(intake.url)).toMatchObject({ ok: false, error: { code: 'bad_answer' } });
  });

  it('reports an unreachable Triage with the network reason', async () => {
    const intake = await startIntake();
    await new Promise((resolve) => intake.server.close(resolve));
    const result = await play(intake.url);
    expect(result).toMatchObject({ ok: false, error: { code: 'unreachable' } });
    if (!result.ok) expect(result.error.message).toContain('ECONNREFUSED');
  });
});

describe('scenario command line against a real HTTP intake', () => {
  async function cli(argv: string[], env: Record<string, string>) {
    const out: string[] = [];
    const errors: string[] = [];
    const code = await runScenarioCli(argv, {
      env,
      out: (l) => out.push(l),
      err: (l) => errors.push(l),
      play: { retry: { attempts: 2, baseMs: 5, capMs: 10 }, requestTimeoutMs: 1000 },
    });
    return { code, out: out.join('\n'), err: errors.join('\n') };
  }

  it('plays a scenario and never prints the token', async () => {
    const intake = await startIntake();
    const run = await cli(['hallucination-detected', '--speed', '50', '--url', intake.url], { INGEST_TOKEN: TOKEN });
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toContain('3 accepted, 0 duplicates');
    expect(run.out + run.err).not.toContain(TOKEN);
    expect(intake.received[0]!.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('exits 1 and says to start Triage when nothing listens, 1 with a token hint on 401, 2 on bad arguments', async () => {
    const intake = await startIntake(() => ({ status: 401, body: { error: { code: 'unauthorized', message: 'bad bearer token' } } }));
    const refused = await cli(['hallucination-detected', '--speed', '50', '--url', intake.url], { INGEST_TOKEN: TOKEN });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('bad bearer token');
    expect(refused.err).toContain('INGEST_TOKEN');
    expect(refused.out + refused.err).not.toContain(TOKEN);

    await new Promise((resolve) => intake.server.close(resolve));
    const down = await cli(['hallucination-detected', '--url', intake.url], { INGEST_TOKEN: TOKEN });
    expect(down.code).toBe(1);
    expect(down.err).toContain('Is Triage running? Start it with npm start');

    expect((await cli(['no-such-scenario'], {})).code).toBe(2);
    expect((await cli(['cascading-failure', '--speed=0'], {})).code).toBe(2);
    const list = await cli(['--list'], {});
    expect(list.code).toBe(0);
    expect(list.out).toContain('cascading-failure');
  });
});
