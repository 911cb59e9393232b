import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHttpPlatform } from '../../src/platform/http-client.js';
import type { Platform } from '../../src/platform/port.js';
import { platformRoutes } from '../../src/platform/rest-routes.js';
import { createSimulator, type Simulator } from '../../src/platform/simulator/simulator.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { routesListener, serve, type TestServer } from './http-server.js';
import { byId, emitted, errorOf, stored, value } from './support.js';

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
    expect(value(await client.restartRuntime('bash-runtime-priya')).status).toBe('restarting');
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
    expect(value(await client.cancelLoop('loop-55', 'stuck 52 minutes'))).toMatchObject({ id: 'loop-55', status: 'cancelled' });
    expect(value(await client.grantBudgetOverride('daily-code-review', 5))).toMatchObject({ status: 'active', budgetLimitUsd: 15 });
    expect(value(await client.restartMcpServer('database-query'))).toMatchObject({ status: 'healthy', poolInUse: 0 });
    expect(value(await client.resetCircuitBreaker('P12345'))).toEqual({ id: 'P12345', state: 'closed' });
    expect(value(await client.retryTask('task-003', { timeoutSeconds: 1200 }))).toMatchObject({ state: 'pending', timeoutSeconds: 1200 });
    expect(value(await client.retryTask('task-004'))).toMatchObject({ state: 'pending', timeoutSeconds: 600 });
    expect(value(await client.skipTask('task-003', 'not indicative of failure')).state).toBe('skipped');
    const restart = value(await client.restartWorker('worker-002', { force: true }));
    expect(restart).toMatchObject({ worker: { id: 'worker-002', status: 'healthy' }, reassignedTaskIds: ['task-002'] });
    expect(byId(value(await sim.listRoutines()), 'daily-code-review')?.status).toBe('active');
  });

  it('maps the platform answers back to error codes', async () => {
    const missing = errorOf(await client.restartRuntime('bash-runtime-nobody'));
    expect(missing).toMatchObject({ code: 'not_found', message: 'no runtime named bash-runtime-nobody' });
    expect(errorOf(await client.cancelLoop('loop-ticket-50', 'done already')).code).toBe('invalid_state');
    expect(errorOf(await client.grantBudgetOverride('daily-code-review', -5)).code).toBe('invalid_input');
    expect(errorOf(await client.grantBudgetOverride('daily-code-review', Number.NaN)).code).toBe('invalid_input');
    expect(errorOf(await client.skipTask('task-004', '')).code).toBe('invalid_input');
    expect(errorOf(await client.retryTask('task-001', { timeoutSeconds: 0 })).code).toBe('invalid_input');
    expect(errorOf(await client.restartRuntime('a/b')).code).toBe('not_found');
  });

  it('reports a wrong token as a refusal without revealing either token', async () => {
    const intruder = createHttpPlatform({ baseUrl: server.url, token: 'wrong-token-123456' });
    const error = errorOf(await intruder.listRuntimes());
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/401/);
    expect(error.message).not.toContain('wrong-token-123456');
    expect(error.message).not.toContain(TOKEN);
    expect(errorOf(await createHttpPlatform({ baseUrl: server.url }).restartRuntime('bash-runtime-mike')).message).toMatch(/401/);
    expect(byId(value(await sim.listRuntimes()), 'bash-runtime-mike')?.status).not.toBe('restarting');
  });
});
