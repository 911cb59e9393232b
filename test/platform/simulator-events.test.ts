import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/platform/simulator/simulator.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { byId, emitted, stored, value } from './support.js';

describe.each(databaseKinds())('simulator folds intake events into its model (%s)', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    sim = await createSimulator({ database, emit: emitted().emit });
  });
  afterAll(async () => {
    sim?.close();
    await database?.drop();
  });

  it('replays the Team-X cascade: runtimes down, loops stuck, budget exhausted, OpenAI degraded', async () => {
    const t = (minute: number) => `2026-05-03T14:${String(minute).padStart(2, '0')}:00Z`;
    await sim.applyEvents([
      stored('runtime.heartbeat', { runtime: 'bash-runtime-priya', intervalSeconds: 30 }, t(30)),
      stored('runtime.execution_failed', { runtime: 'bash-runtime-mike', employee: 'Mike', reason: 'connection_refused' }, t(32)),
      stored('runtime.disconnected', { runtime: 'bash-runtime-priya', employee: 'Priya', reason: 'timeout' }, t(33)),
      stored('loop.started', { loopId: 'loop-47', ticket: '#47', employee: 'Elena', provider: 'openai' }, t(1)),
      stored('loop.started', { loopId: 'loop-52', ticket: '#52', employee: 'Alex', provider: 'anthropic' }, t(2)),
      stored('loop.finished', { loopId: 'loop-52', outcome: 'completed' }, t(43)),
      stored('routine.spend', { routine: 'daily-code-review', spentUsd: 12.47, limitUsd: 10 }, t(35)),
      stored('routine.paused', { routine: 'daily-code-review', reason: 'budget_exhausted' }, t(35)),
      stored('provider.health', { provider: 'OpenAI', latencyMs: 9500, errorRate: 0.04 }, t(36)),
      stored('provider.health', { provider: 'anthropic', latencyMs: 700, errorRate: 0.001, status: 'connected' }, t(36)),
      stored('mcp.pool', { server: 'database-query', inUse: 5, size: 5, waiting: 3 }, t(34)),
      stored('mcp.health', { server: 'database-query', status: 'failing' }, t(34)),
    ]);

    const runtimes = value(await sim.listRuntimes());
    expect(byId(runtimes, 'bash-runtime-mike')).toMatchObject({ status: 'unreachable', lastDownReason: 'connection_refused' });
    expect(byId(runtimes, 'bash-runtime-priya')).toMatchObject({
      status: 'unreachable',
      lastDownReason: 'timeout',
      lastHeartbeatAt: new Date(t(30)).toISOString(),
    });
    const loops = value(await sim.listLoops());
    expect(byId(loops, 'loop-47')).toMatchObject({ status: 'running', startedAt: new Date(t(1)).toISOString(), employeeId: 'elena' });
    expect(byId(loops, 'loop-52')?.status).toBe('completed');
    expect(byId(value(await sim.listRoutines()), 'daily-code-review')).toMatchObject({
      status: 'paused',
      pausedReason: 'budget_exhausted',
      budgetSpentUsd: 12.47,
      budgetLimitUsd: 10,
    });
    const providers = value(await sim.listProviders());
    expect(byId(providers, 'openai')).toMatchObject({ name: 'OpenAI', status: 'degraded', latencyMs: 9500, errorRate: 0.04 });
    expect(byId(providers, 'anthropic')).toMatchObject({ status: 'connected', latencyMs: 700 });
    expect(byId(value(await sim.listMcpServers()), 'database-query')).toMatchObject({ status: 'failing', poolInUse: 5, poolSize: 5 });

    await sim.applyEvents([stored('runtime.heartbeat', { runtime: 'bash-runtime-mike', intervalSeconds: 15 }, t(50))]);
    expect(byId(value(await sim.listRuntimes()), 'bash-runtime-mike')).toMatchObject({
      status: 'connected',
      heartbeatIntervalSeconds: 15,
      lastHeartbeatAt: new Date(t(50)).toISOString(),
    });
  });

  it('tracks workers, tasks, workstreams and breakers, creating the ones it had not heard of', async () => {
    await sim.applyEvents([
      stored('worker.state', { worker: 'worker-001', state: 'unresponsive' }),
      stored('task.state', { taskId: 'task-new', state: 'failed', workstream: 'ws-new', worker: 'worker-009', attempt: 2 }),
      stored('workstream.state', { workstream: 'ws-release-2026-05', state: 'failed', failedTasks: 1 }),
      stored('breaker.state', { breaker: 'partner-P99', state: 'half_open' }),
    ]);
    expect(byId(value(await sim.listWorkers()), 'worker-001')?.status).toBe('unresponsive');
    expect(byId(value(await sim.listWorkers()), 'worker-009')?.status).toBe('healthy');
    expect(byId(value(await sim.listTasks()), 'task-new')).toEqual({
      id: 'task-new',
      workstreamId: 'ws-new',
      workerId: 'worker-009',
      state: 'failed',
      attempt: 2,
      maxAttempts: 3,
      timeoutSeconds: 600,
    });
    const workstreams = value(await sim.listWorkstreams());
    expect(byId(workstreams, 'ws-release-2026-05')?.state).toBe('failed');
    expect(byId(workstreams, 'ws-new')?.state).toBe('running');
    expect(byId(value(await sim.listBreakers()), 'partner-P99')).toEqual({ id: 'partner-P99', partner: null, state: 'half_open', failureRate: null });

    await sim.applyEvents([stored('task.state', { taskId: 'task-new', state: 'executing' })]);
    expect(byId(value(await sim.listTasks()), 'task-new')).toMatchObject({ state: 'executing', attempt: 2, workerId: 'worker-009' });
    await sim.applyEvents([stored('worker.heartbeat', { worker: 'worker-001' })]);
    expect(byId(value(await sim.listWorkers()), 'worker-001')?.status).toBe('healthy');
  });

  it('creates runtimes, loops and routines first heard of through an event', async () => {
    await sim.applyEvents([
      stored('runtime.heartbeat', { runtime: 'bash-runtime-zoe', intervalSeconds: 30 }),
      stored('loop.finished', { loopId: 'loop-unknown', outcome: 'failed' }),
      stored('routine.paused', { routine: 'hourly-lint', reason: 'budget_exhausted' }),
    ]);
    expect(byId(value(await sim.listRuntimes()), 'bash-runtime-zoe')).toMatchObject({ employeeId: 'zoe', status: 'connected' });
    expect(byId(value(await sim.listLoops()), 'loop-unknown')?.status).toBe('failed');
    expect(byId(value(await sim.listRoutines()), 'hourly-lint')).toMatchObject({ status: 'paused', pausedReason: 'budget_exhausted' });
  });

  it('ignores what it cannot use without throwing, and keeps applying the events after it', async () => {
    const before = value(await sim.listRuntimes()).length;
    await expect(
      sim.applyEvents([
        stored('custom.thing', { anything: true }),
        stored('runtime.heartbeat', { runtime: 'bash-runtime-ravi', intervalSeconds: 'soon' }),
        stored('runtime.memory', { runtime: 'bash-runtime-ghost', usedMb: 10, limitMb: 100 }),
        stored('routine.resumed', { routine: 'never-heard-of' }),
        stored('runtime.session_stale', { runtime: 'bash-runtime-ravi', sessionId: 's1', idleSeconds: 900 }),
        stored('runtime.memory', { runtime: 'bash-runtime-ravi', usedMb: 3900, limitMb: 8192 }),
      ]),
    ).resolves.toBeUndefined();
    const runtimes = value(await sim.listRuntimes());
    expect(runtimes).toHaveLength(before);
    expect(byId(runtimes, 'bash-runtime-ravi')).toMatchObject({ status: 'connected', memoryLimitMb: 8192 });
    expect(byId(value(await sim.listRoutines()), 'never-heard-of')).toBeUndefined();
  });

  it('a resent loop.started does not revive a loop that was cancelled', async () => {
    const start = stored('loop.started', { loopId: 'loop-60', ticket: '#60' });
    await sim.applyEvents([start]);
    value(await sim.cancelLoop('loop-60', 'stuck'));
    await sim.applyEvents([{ ...start, eventKey: 'resent' }]);
    expect(byId(value(await sim.listLoops()), 'loop-60')?.status).toBe('cancelled');
  });
});
