import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { guardedCallBudgetMs, guardPlatform, type GuardOptions } from '../../src/platform/guarded.js';
import { createHttpPlatform } from '../../src/platform/http-client.js';
import { createSimulator, type Simulator } from '../../src/platform/simulator/simulator.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { serve, type TestServer } from './http-server.js';
import { emitted, errorOf, stored, value } from './support.js';

type Mode = 'ok' | '503' | 'hang' | '404';
const runtime = {
  id: 'bash-runtime-mike',
  employeeId: 'mike',
  status: 'restarting',
  heartbeatIntervalSeconds: 30,
  lastHeartbeatAt: null,
  lastDownReason: null,
  memoryLimitMb: 2048,
};
const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** A platform over real HTTP whose health the test switches; the client is the real one. */
describe('guarded platform over the real HTTP client', () => {
  let server: TestServer;
  let mode: Mode = 'ok';
  let sent = 0;
  let clock = 1_000_000;
  let waits: number[] = [];
  /** The Idempotency-Key of every action that reached the platform, in order. */
  let posted: string[] = [];
  /** What GET /platform/capabilities says; 'absent' answers 404, like a platform that predates it. */
  let declares: boolean | 'absent' = 'absent';

  beforeAll(async () => {
    server = await serve((req, res) => {
      if (req.method === 'POST') posted.push(String(req.headers['idempotency-key']));
      if (mode === 'hang') return;
      if (req.url === '/platform/capabilities') {
        return declares === 'absent' ? json(res, 404, { error: { code: 'not_found', message: 'no such route' } }) : json(res, 200, { idempotencyKeys: declares });
      }
      if (mode === '503') return json(res, 503, { error: { code: 'unavailable', message: 'platform overloaded' } });
      if (mode === '404') return json(res, 404, { error: { code: 'not_found', message: 'no runtime named ghost' } });
      json(res, 200, req.method === 'GET' ? { items: [runtime] } : runtime);
    });
  });
  afterEach(() => {
    mode = 'ok';
    sent = 0;
    waits = [];
    posted = [];
    declares = 'absent';
  });
  afterAll(() => server?.close());

  const options = (over: Partial<GuardOptions> = {}): GuardOptions => ({
    timeoutMs: 2_000,
    attempts: 3,
    baseMs: 100,
    capMs: 1_000,
    breaker: { failureThreshold: 3, openMs: 30_000 },
    now: () => clock,
    random: () => 0.5,
    sleep: async (ms) => void waits.push(ms),
    ...over,
  });
  const build = (over: Partial<GuardOptions> = {}, url = server.url) => {
    // Counted at the client: an attempt aborted by the deadline may never reach the server.
    const counting: typeof fetch = (input, init) => {
      sent++;
      return fetch(input, init);
    };
    // One try per client call: the guard owns retries, so they do not multiply.
    const client = createHttpPlatform({ baseUrl: url, readAttempts: 1, timeoutMs: 10_000, fetch: counting });
    return guardPlatform(client, options(over));
  };

  it('passes healthy calls straight through', async () => {
    const platform = build();
    expect(value(await platform.listRuntimes())).toEqual([runtime]);
    expect(value(await platform.restartRuntime('bash-runtime-mike', { idempotencyKey: 'restart-mike-1' })).status).toBe('restarting');
    expect(sent).toBe(2);
    expect(posted).toEqual(['restart-mike-1']);
    expect(platform.breaker()).toEqual({ state: 'closed', probeAt: null });
  });

  it('retries a failing read a bounded number of times with full-jitter waits', async () => {
    const platform = build();
    mode = '503';
    const error = errorOf(await platform.listRuntimes());
    expect(error).toEqual({ code: 'unavailable', message: 'platform overloaded' });
    expect(sent).toBe(3);
    // random() = 0.5 of the ceilings base·2^n (100, 200), capped at 1 s.
    expect(waits).toEqual([50, 100]);
  });

  it('recovers within the retries when the platform comes back', async () => {
    let failures = 2;
    const platform = build({
      sleep: async () => {
        if (--failures === 0) mode = 'ok';
      },
    });
    mode = '503';
    expect(value(await platform.listRuntimes())).toEqual([runtime]);
    expect(sent).toBe(3);
  });

  it('never retries a refusal such as not_found, and such refusals never open the breaker', async () => {
    const platform = build();
    mode = '404';
    for (let i = 0; i < 5; i++) expect(errorOf(await platform.restartRuntime('ghost', { idempotencyKey: `restart-ghost-${i}` })).code).toBe('not_found');
    expect(sent).toBe(5);
    expect(platform.breaker().state).toBe('closed');
  });

  it('gives each try a deadline, and does not repeat an action that timed out (it may have happened)', async () => {
    const platform = build({ timeoutMs: 150 });
    mode = 'hang';
    const began = Date.now();
    const read = errorOf(await platform.listRuntimes());
    expect(read).toEqual({ code: 'timeout', message: 'the platform did not answer listRuntimes within 150 ms' });
    expect(sent).toBe(3);

    const restart = errorOf(await platform.restartRuntime('bash-runtime-mike', { idempotencyKey: 'restart-mike-hang' }));
    expect(restart.code).toBe('timeout');
    expect(restart.message).toMatch(/may still take effect/);
    expect(posted).toEqual(['restart-mike-hang']);
    expect(Date.now() - began).toBeLessThan(2_000);
  });

  it('sends an action the platform may have received (a 5xx) once, when the platform does not say it honours keys', async () => {
    const platform = build({ breaker: { failureThreshold: 10, openMs: 30_000 } });
    mode = '503';
    expect(errorOf(await platform.restartRuntime('bash-runtime-mike', { idempotencyKey: 'restart-mike-503' })).code).toBe('unavailable');
    expect(errorOf(await platform.grantBudgetOverride('daily-code-review', 5, { idempotencyKey: 'override-503' })).code).toBe('unavailable');
    expect(posted).toEqual(['restart-mike-503', 'override-503']);
  });

  it('repeats an action with the same key when the platform declares that it honours keys', async () => {
    let failures = 2;
    const platform = build({
      breaker: { failureThreshold: 10, openMs: 30_000 },
      sleep: async () => {
        if (--failures === 0) mode = 'ok';
      },
    });
    declares = true;
    mode = '503';
    expect(value(await platform.restartRuntime('bash-runtime-mike', { idempotencyKey: 'restart-keyed' })).id).toBe('bash-runtime-mike');
    expect(posted).toEqual(['restart-keyed', 'restart-keyed', 'restart-keyed']);
  });

  it('repeats any action the platform cannot have received (connection refused), with the same key', async () => {
    const closed = await serve(() => {});
    const url = closed.url;
    await closed.close();
    const platform = build({}, url);
    const error = errorOf(await platform.listWorkers());
    expect(error.code).toBe('unreachable');
    expect(error.message).toMatch(/could not be reached, so nothing was sent/);
    expect(sent).toBe(3);
    expect(errorOf(await platform.grantBudgetOverride('daily-code-review', 5, { idempotencyKey: 'override-refused' })).code).toBe('unreachable');
    expect(sent).toBe(6);
  });

  it('opens after the threshold, answers at once while open, then a half-open probe closes it', async () => {
    const platform = build();
    mode = '503';
    for (let i = 0; i < 3; i++) expect(errorOf(await platform.listTasks()).code).toBe('unavailable');
    expect(platform.breaker()).toEqual({ state: 'open', probeAt: clock + 30_000 });
    const before = sent;

    clock += 6_000;
    const refused = errorOf(await platform.restartRuntime('bash-runtime-mike', { idempotencyKey: 'restart-while-open' }));
    expect(refused).toEqual({
      code: 'unavailable',
      message: 'the platform is failing; Triage stopped calling it for 24 s more (circuit breaker open after 3 failures)',
    });
    expect(sent).toBe(before);

    mode = 'ok';
    clock += 24_000;
    expect(platform.breaker().state).toBe('half_open');
    expect(value(await platform.listRuntimes())).toEqual([runtime]);
    expect(sent).toBe(before + 1);
    expect(platform.breaker()).toEqual({ state: 'closed', probeAt: null });
  });

  it('reopens when the half-open probe fails, without retrying the probe', async () => {
    const platform = build({ timeoutMs: 150, breaker: { failureThreshold: 1, openMs: 10_000 } });
    mode = 'hang';
    expect(errorOf(await platform.restartRuntime('bash-runtime-mike', { idempotencyKey: 'restart-probe' })).code).toBe('timeout');
    expect(platform.breaker().state).toBe('open');
    clock += 10_000;
    mode = '503';
    const before = sent;
    expect(errorOf(await platform.listRuntimes()).code).toBe('unavailable');
    expect(platform.breaker()).toEqual({ state: 'open', probeAt: clock + 10_000 });
    expect(sent).toBe(before + 1);
    expect(errorOf(await platform.listRuntimes()).message).toMatch(/stopped calling it for 10 s more/);
  });

  it('tells the watchdog how long one call can take at worst', () => {
    expect(guardedCallBudgetMs({ timeoutMs: 10_000, attempts: 3, baseMs: 200, capMs: 2_000 })).toBe(30_000 + 200 + 400);
    expect(guardedCallBudgetMs({ timeoutMs: 5_000, attempts: 1 })).toBe(5_000);
  });
});

describe.each(databaseKinds())('guarded simulator (%s)', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    sim = await createSimulator({ database, emit: emitted().emit, restartHeartbeatDelayMs: 20 });
  });
  afterAll(async () => {
    sim?.close();
    await database?.drop().catch(() => {});
  });

  it('performs actions and passes the platform refusals through unchanged', async () => {
    let clock = 0;
    const platform = guardPlatform(sim, { timeoutMs: 5_000, attempts: 3, breaker: { failureThreshold: 2, openMs: 1_000 }, now: () => clock });
    await sim.applyEvents([stored('loop.started', { loopId: 'loop-55', ticket: '#55', employee: 'Elena' })]);
    expect(value(await platform.cancelLoop('loop-55', 'stuck for 52 minutes', { idempotencyKey: 'cancel-55-a' })).status).toBe('cancelled');
    expect(errorOf(await platform.cancelLoop('loop-55', 'again', { idempotencyKey: 'cancel-55-b' })).code).toBe('invalid_state');
    expect(errorOf(await platform.cancelLoop('loop-404', 'whatever', { idempotencyKey: 'cancel-404' })).code).toBe('not_found');
    expect(errorOf(await platform.skipTask('task-001', '  ', { idempotencyKey: 'skip-001' })).code).toBe('invalid_input');
    expect(platform.breaker().state).toBe('closed');

    // The simulator's own store going away is the platform being down: the breaker opens.
    await database.close();
    for (let i = 0; i < 2; i++) expect(errorOf(await platform.listRuntimes()).code).toBe('unavailable');
    expect(platform.breaker().state).toBe('open');
    expect(errorOf(await platform.restartRuntime('bash-runtime-mike', { idempotencyKey: 'restart-sim-open' })).message).toMatch(/circuit breaker open after 2 failures/);
    clock += 1_000;
    expect(platform.breaker().state).toBe('half_open');
  });
});
