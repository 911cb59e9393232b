import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHttpPlatform } from '../../src/platform/http-client.js';
import type { Platform } from '../../src/platform/port.js';
import { platformRoutes } from '../../src/platform/rest-routes.js';
import { createSimulator, type Simulator } from '../../src/platform/simulator/simulator.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { routesListener, serve, type TestServer } from './http-server.js';
import { byId, emitted, errorOf, newKey, stored, value } from './support.js';

const TOKEN = 'platform-token-7f3a9c';

describe.each(databaseKinds())('HTTP platform client against the simulator over real HTTP (%s)', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;
  let sink: ReturnType<typeof emitted>;
  let server: TestServer;
  let client: Platform;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    sink = emitted();
    sim = await createSimulator({ database, emit: sink.emit, restartHeartbeatDelayMs: 300 });
    server = await serve(routesListener(platformRoutes(sim, { token: TOKEN })));
    client = createHttpPlatform({ baseUrl: server.url, token: TOKEN, timeoutMs: 5_000 });
  });
  afterAll(async () => {
    sim?.close();
    await server?.close();
    await database?.drop();
  });

  it('reads every list exactly as the simulator holds it', async () => {
    const lists = [
      'listEmployees',
      'listRuntimes',
      'listLoops',
      'listRoutines',
      'listMcpServers',
      'listProviders',
      'listWorkers',
      'listTasks',
      'listWorkstreams',
      'listBreakers',
    ] as const;
    for (const list of lists) {
      const remote = await client[list]();
      expect(remote.ok && remote.value.length, list).toBeGreaterThan(0);
      expect(remote, list).toEqual(await sim[list]());
    }
    expect(byId(value(await client.listRuntimes()), 'bash-runtime-mike')?.memoryLimitMb).toBe(2048);
    expect(byId(value(await client.listEmployees()), 'mike')?.role).toBe('Backend Engineer');
  });

  it('restarts a runtime, and the heartbeat follows after the delay', async () => {
    await sim.applyEvents([stored('runtime.disconnected', { runtime: 'bash-runtime-priya', reason: 'timeout' })]);
    expect(value(await client.restartRuntime('bash-runtime-priya', newKey())).status).toBe('restarting');
    expect(sink.ofType('runtime.heartbeat')).toHaveLength(0);
    await vi.waitFor(() => expect(sink.ofType('runtime.heartbeat')).toHaveLength(1), { timeout: 5_000 });
    expect(sink.ofType('runtime.heartbeat')[0]).toMatchObject({ source: 'simulator', attributes: { runtime: 'bash-runtime-priya' } });
    expect(byId(value(await client.listRuntimes()), 'bash-runtime-priya')?.status).toBe('connected');
  });

  it('performs every other recovery action through the API', async () => {
    await sim.applyEvents([
      stored('loop.started', { loopId: 'loop-55', ticket: '#55', employee: 'Elena' }),
      stored('routine.paused', { routine: 'daily-code-review', reason: 'budget_exhausted' }),
      stored('mcp.health', { server: 'database-query', status: 'failing' }),
      stored('breaker.state', { breaker: 'P12345', state: 'open' }),
      stored('task.state', { taskId: 'task-003', state: 'timed_out' }),
      stored('task.state', { taskId: 'task-004', state: 'failed' }),
    ]);
    expect(value(await client.cancelLoop('loop-55', 'stuck 52 minutes', newKey()))).toMatchObject({ id: 'loop-55', status: 'cancelled' });
    expect(value(await client.grantBudgetOverride('daily-code-review', 5, newKey()))).toMatchObject({ status: 'active', budgetLimitUsd: 15 });
    expect(value(await client.restartMcpServer('database-query', newKey()))).toMatchObject({ status: 'healthy', poolInUse: 0 });
    expect(value(await client.resetCircuitBreaker('P12345', newKey()))).toEqual({ id: 'P12345', state: 'closed' });
    expect(value(await client.retryTask('task-003', { timeoutSeconds: 1200 }, newKey()))).toMatchObject({ state: 'pending', timeoutSeconds: 1200 });
    expect(value(await client.retryTask('task-004', {}, newKey()))).toMatchObject({ state: 'pending', timeoutSeconds: 600 });
    expect(value(await client.skipTask('task-003', 'not indicative of failure', newKey())).state).toBe('skipped');
    const restart = value(await client.restartWorker('worker-002', { force: true }, newKey()));
    expect(restart).toMatchObject({ worker: { id: 'worker-002', status: 'healthy' }, reassignedTaskIds: ['task-002'] });
    expect(value(await client.rollbackWorkstream('ws-release-2026-05', newKey()))).toMatchObject({ workstream: { id: 'ws-release-2026-05', state: 'rolled_back' } });
    expect(errorOf(await client.rollbackWorkstream('ws-release-2026-05', newKey())).code).toBe('invalid_state');
    expect(byId(value(await sim.listRoutines()), 'daily-code-review')?.status).toBe('active');
  });

  it('maps the platform answers back to error codes', async () => {
    const missing = errorOf(await client.restartRuntime('bash-runtime-nobody', newKey()));
    expect(missing).toMatchObject({ code: 'not_found', message: 'no runtime named bash-runtime-nobody' });
    expect(errorOf(await client.cancelLoop('loop-ticket-50', 'done already', newKey())).code).toBe('invalid_state');
    expect(errorOf(await client.grantBudgetOverride('daily-code-review', -5, newKey())).code).toBe('invalid_input');
    expect(errorOf(await client.grantBudgetOverride('daily-code-review', Number.NaN, newKey())).code).toBe('invalid_input');
    expect(errorOf(await client.skipTask('task-004', '', newKey())).code).toBe('invalid_input');
    expect(errorOf(await client.retryTask('task-001', { timeoutSeconds: 0 }, newKey())).code).toBe('invalid_input');
    expect(errorOf(await client.restartRuntime('a/b', newKey())).code).toBe('not_found');
  });

  it('reports a wrong token as a refusal without revealing either token', async () => {
    const intruder = createHttpPlatform({ baseUrl: server.url, token: 'wrong-token-123456' });
    const error = errorOf(await intruder.listRuntimes());
    expect(error.code).toBe('unauthorized');
    expect(error.message).toMatch(/401/);
    expect(error.message).not.toContain('wrong-token-123456');
    expect(error.message).not.toContain(TOKEN);
    expect(errorOf(await createHttpPlatform({ baseUrl: server.url }).restartRuntime('bash-runtime-mike', newKey())).message).toMatch(/401/);
    expect(byId(value(await sim.listRuntimes()), 'bash-runtime-mike')?.status).not.toBe('restarting');
  });

  it('declares that it honours Idempotency-Key, and answers a repeated key from its record without acting again', async () => {
    expect(value(await client.capabilities())).toEqual({ idempotencyKeys: true });
    await sim.applyEvents([stored('runtime.disconnected', { runtime: 'bash-runtime-james', reason: 'timeout' })]);
    const key = newKey();
    const first = value(await client.restartRuntime('bash-runtime-james', key));
    // Without the key this repeat would be refused ("already restarting"); with it, the same answer.
    expect(await client.restartRuntime('bash-runtime-james', key)).toEqual({ ok: true, value: first });
    expect(errorOf(await client.restartRuntime('bash-runtime-james', newKey())).code).toBe('invalid_state');
    await vi.waitFor(() => expect(sink.ofType('runtime.heartbeat').filter((e) => e.attributes.runtime === 'bash-runtime-james')).toHaveLength(1), { timeout: 5_000 });
    // A key is one request: the same key for another target or body is refused with nothing done.
    const reused = errorOf(await client.restartRuntime('bash-runtime-mike', key));
    expect(reused).toMatchObject({ code: 'invalid_input' });
    expect(reused.message).toMatch(/was first used for a different request \(restart on runtime bash-runtime-james\)/);
    expect(byId(value(await sim.listRuntimes()), 'bash-runtime-mike')?.status).not.toBe('restarting');
  });

  it('grants one budget override for one key however many times it is sent, and a refused one may be sent again', async () => {
    const before = byId(value(await sim.listRoutines()), 'weekly-dependency-audit')!.budgetLimitUsd;
    const key = newKey();
    const answers = await Promise.all([1, 2, 3].map(() => client.grantBudgetOverride('weekly-dependency-audit', 5, key)));
    const granted = answers.filter((a) => a.ok);
    expect(granted.length).toBeGreaterThanOrEqual(1);
    for (const a of answers.filter((x) => !x.ok)) expect(errorOf(a).message).toMatch(/still being carried out/);
    expect(value(await client.grantBudgetOverride('weekly-dependency-audit', 5, key)).budgetLimitUsd).toBe(before + 5);
    expect(byId(value(await sim.listRoutines()), 'weekly-dependency-audit')!.budgetLimitUsd).toBe(before + 5);

    const refusedKey = newKey();
    expect(errorOf(await client.grantBudgetOverride('no-such-routine', 5, refusedKey)).code).toBe('not_found');
    expect(errorOf(await client.grantBudgetOverride('no-such-routine', 5, refusedKey)).code).toBe('not_found');
  });

  it('refuses a malformed Idempotency-Key with a 400 that says what a key looks like, and acts without one', async () => {
    const bad = await fetch(`${server.url}/platform/runtimes/bash-runtime-mike/restart`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'idempotency-key': 'a b' } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: 'invalid_input', message: expect.stringMatching(/Idempotency-Key header must be 8 to 128 letters/) } });
    expect(byId(value(await sim.listRuntimes()), 'bash-runtime-mike')?.status).not.toBe('restarting');
    const unkeyed = await fetch(`${server.url}/platform/breakers/P12345/reset`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(unkeyed.status).toBe(200);
  });
});
