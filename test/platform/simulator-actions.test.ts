import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/platform/simulator/simulator.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { byId, emitted, errorOf, stored, value } from './support.js';

describe.each(oneDatabaseKind())('simulator recovery actions (%s)', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;
  let sink: ReturnType<typeof emitted>;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    sink = emitted();
    sim = await createSimulator({ database, emit: sink.emit, restartHeartbeatDelayMs: 20 });
  });
  afterEach(() => void sink.events.splice(0));
  afterAll(async () => {
    sim?.close();
    await database?.drop();
  });

  it('a budget override raises the limit by the amount, unpauses, and announces it', async () => {
    await sim.applyEvents([
      stored('routine.spend', { routine: 'daily-code-review', spentUsd: 12.47, limitUsd: 10, period: 'month' }),
      stored('routine.paused', { routine: 'daily-code-review', reason: 'budget_exhausted' }),
    ]);
    expect(byId(value(await sim.listRoutines()), 'daily-code-review')).toMatchObject({
      status: 'paused',
      pausedReason: 'budget_exhausted',
      budgetSpentUsd: 12.47,
    });

    const routine = value(await sim.grantBudgetOverride('daily-code-review', 5));
    expect(routine).toMatchObject({ status: 'active', pausedReason: null, budgetLimitUsd: 15, budgetSpentUsd: 12.47 });
    expect(byId(value(await sim.listRoutines()), 'daily-code-review')?.budgetLimitUsd).toBe(15);
    expect(sink.ofType('routine.resumed').map((e) => e.attributes)).toEqual([{ routine: 'daily-code-review' }]);
    expect(sink.ofType('routine.spend')[0]?.attributes).toMatchObject({ spentUsd: 12.47, limitUsd: 15 });

    sink.events.splice(0);
    value(await sim.grantBudgetOverride('daily-code-review', 0.5));
    expect(sink.ofType('routine.resumed')).toHaveLength(0);
  });

  it('refuses a budget override that is not a sensible amount, or for an unknown routine', async () => {
    for (const amount of [-5, 0, Number.NaN, Number.POSITIVE_INFINITY, 1e9]) {
      expect(errorOf(await sim.grantBudgetOverride('weekly-dependency-audit', amount)).code).toBe('invalid_input');
    }
    expect(errorOf(await sim.grantBudgetOverride('no-such-routine', 5)).code).toBe('not_found');
    expect(byId(value(await sim.listRoutines()), 'weekly-dependency-audit')?.budgetLimitUsd).toBe(20);
  });

  it('cancels a running loop once; a finished or unknown loop is refused', async () => {
    await sim.applyEvents([
      stored('loop.started', { loopId: 'loop-55', ticket: '#55', employee: 'Elena', provider: 'OpenAI', title: 'Architecture planning' }),
    ]);
    const loop = byId(value(await sim.listLoops()), 'loop-55');
    expect(loop).toMatchObject({ status: 'running', ticket: '#55', employeeId: 'elena', provider: 'openai' });

    expect(value(await sim.cancelLoop('loop-55', 'stuck for 52 minutes')).status).toBe('cancelled');
    expect(sink.ofType('loop.finished').map((e) => e.attributes)).toEqual([
      { loopId: 'loop-55', outcome: 'cancelled', reason: 'stuck for 52 minutes' },
    ]);
    expect(errorOf(await sim.cancelLoop('loop-55', 'again')).code).toBe('invalid_state');
    expect(errorOf(await sim.cancelLoop('loop-ticket-50', 'finished long ago')).code).toBe('invalid_state');
    expect(errorOf(await sim.cancelLoop('loop-404', 'whatever')).code).toBe('not_found');
    expect(errorOf(await sim.cancelLoop('loop-55', '   ')).code).toBe('invalid_input');
    expect(sink.ofType('loop.finished')).toHaveLength(1);
  });

  it('restarting an exhausted MCP server empties its pool and makes it healthy', async () => {
    await sim.applyEvents([
      stored('mcp.pool', { server: 'database-query', inUse: 5, size: 5, waiting: 3 }),
      stored('mcp.health', { server: 'database-query', status: 'failing', error: 'connection pool exhausted' }),
    ]);
    expect(byId(value(await sim.listMcpServers()), 'database-query')).toMatchObject({ status: 'failing', poolInUse: 5 });
    expect(value(await sim.restartMcpServer('database-query'))).toMatchObject({ status: 'healthy', poolInUse: 0, poolSize: 5 });
    expect(sink.ofType('mcp.health')[0]?.attributes).toMatchObject({ server: 'database-query', status: 'healthy' });
    expect(errorOf(await sim.restartMcpServer('nope')).code).toBe('not_found');
  });

  it('resets an open circuit breaker', async () => {
    await sim.applyEvents([stored('breaker.state', { breaker: 'P12345', partner: 'P12345', state: 'open', failureRate: 0.6 })]);
    expect(byId(value(await sim.listBreakers()), 'P12345')).toMatchObject({ state: 'open', failureRate: 0.6 });
    expect(value(await sim.resetCircuitBreaker('P12345'))).toEqual({ id: 'P12345', state: 'closed' });
    expect(byId(value(await sim.listBreakers()), 'P12345')?.state).toBe('closed');
    expect(sink.ofType('breaker.state')[0]?.attributes).toMatchObject({ breaker: 'P12345', state: 'closed' });
    expect(errorOf(await sim.resetCircuitBreaker('P00000')).code).toBe('not_found');
  });

  it('retries a timed-out task with a longer timeout, and skips only what may be skipped', async () => {
    await sim.applyEvents([stored('task.state', { taskId: 'task-003', state: 'timed_out', attempt: 3, maxAttempts: 3 })]);
    const retried = value(await sim.retryTask('task-003', { timeoutSeconds: 1200 }));
    expect(retried).toMatchObject({ state: 'pending', attempt: 4, maxAttempts: 4, timeoutSeconds: 1200 });
    expect(sink.ofType('task.state')[0]?.attributes).toMatchObject({ taskId: 'task-003', state: 'pending', attempt: 4 });
    expect(errorOf(await sim.retryTask('task-003', {})).code).toBe('invalid_state');
    expect(errorOf(await sim.retryTask('task-003', { timeoutSeconds: -1 })).code).toBe('invalid_input');
    expect(errorOf(await sim.retryTask('task-999', {})).code).toBe('not_found');

    expect(value(await sim.skipTask('task-003', 'timeout not indicative of failure')).state).toBe('skipped');
    expect(errorOf(await sim.skipTask('task-001', 'already done')).code).toBe('invalid_state');
    expect(errorOf(await sim.skipTask('task-004', '')).code).toBe('invalid_input');
    expect(byId(value(await sim.listTasks()), 'task-004')?.state).toBe('pending');
  });

  it('restarts a busy healthy worker only with force, reassigning its running tasks', async () => {
    const refused = errorOf(await sim.restartWorker('worker-002', {}));
    expect(refused).toMatchObject({ code: 'invalid_state' });
    expect(refused.message).toMatch(/force/);

    const { worker, reassignedTaskIds } = value(await sim.restartWorker('worker-002', { force: true }));
    expect(worker.status).toBe('healthy');
    expect(reassignedTaskIds).toEqual(['task-002']);
    const task = byId(value(await sim.listTasks()), 'task-002');
    expect(task?.state).toBe('pending');
    expect(['worker-001', 'worker-003']).toContain(task?.workerId);
    expect(sink.ofType('worker.state')[0]?.attributes).toEqual({ worker: 'worker-002', state: 'healthy' });
  });

  it('restarts an unresponsive worker without force', async () => {
    await sim.applyEvents([
      stored('worker.state', { worker: 'worker-003', state: 'unresponsive' }),
      stored('task.state', { taskId: 'task-020', state: 'executing', worker: 'worker-003' }),
    ]);
    const { worker, reassignedTaskIds } = value(await sim.restartWorker('worker-003', {}));
    expect(worker.status).toBe('healthy');
    expect(reassignedTaskIds).toEqual(['task-020']);
    expect(byId(value(await sim.listTasks()), 'task-020')?.workerId).not.toBe('worker-003');
    expect(errorOf(await sim.restartWorker('worker-404', {})).code).toBe('not_found');
  });

  it('rolls a failed workstream back to its last checkpoint once: running tasks cancelled, failed ones pending again, completed ones kept', async () => {
    await sim.applyEvents([
      stored('task.state', { taskId: 'task-031', state: 'completed', workstream: 'ws-rollback' }),
      stored('task.state', { taskId: 'task-032', state: 'failed', workstream: 'ws-rollback', worker: 'worker-001' }),
      stored('task.state', { taskId: 'task-033', state: 'timed_out', workstream: 'ws-rollback' }),
      stored('task.state', { taskId: 'task-034', state: 'executing', workstream: 'ws-rollback', worker: 'worker-001' }),
      stored('workstream.state', { workstream: 'ws-rollback', state: 'failed', failedTasks: 2 }),
    ]);
    const rolled = value(await sim.rollbackWorkstream('ws-rollback'));
    expect(rolled).toEqual({ workstream: { id: 'ws-rollback', state: 'rolled_back' }, cancelledTaskIds: ['task-034'], resetTaskIds: ['task-032', 'task-033'] });
    const tasks = value(await sim.listTasks());
    expect(['task-031', 'task-032', 'task-033', 'task-034'].map((id) => byId(tasks, id)?.state)).toEqual(['completed', 'pending', 'pending', 'cancelled']);
    expect(byId(tasks, 'task-032')?.workerId).toBeNull();
    // The platform's own events say so, as a real one would.
    expect(sink.events.map((e) => `${e.type}:${String(e.attributes.state)}`)).toEqual(expect.arrayContaining(['workstream.state:rolled_back', 'task.state:cancelled', 'task.state:pending']));
    // Once: a second rollback is refused with the state, an unknown workstream is not found.
    expect(errorOf(await sim.rollbackWorkstream('ws-rollback'))).toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/rolled back; only a running or failed workstream/) });
    expect(errorOf(await sim.rollbackWorkstream('ws-nowhere')).code).toBe('not_found');
  });
});
