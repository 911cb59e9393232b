import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { platformEmployees, platformRuntimes } from '../../src/db/schema/index.js';
import { createSimulator, type Simulator, type SimulatorDeps } from '../../src/platform/simulator/simulator.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { byId, emitted, errorOf, stored, value } from './support.js';

describe.each(databaseKinds())('simulator seed and runtime restarts (%s)', (kind) => {
  let database: TestDatabase;
  const running: Simulator[] = [];
  const start = async (deps: Partial<SimulatorDeps> = {}) => {
    const sink = emitted();
    const sim = await createSimulator({ database, emit: sink.emit, restartHeartbeatDelayMs: 40, ...deps });
    running.push(sim);
    return { sim, sink };
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterEach(() => running.splice(0).forEach((s) => s.close()));
  afterAll(async () => database?.drop());

  it('seeds the Team-X workspace on first start', async () => {
    const { sim } = await start();
    const employees = value(await sim.listEmployees());
    expect(employees).toHaveLength(12);
    expect(byId(employees, 'mike')).toEqual({ id: 'mike', name: 'Mike', role: 'Backend Engineer' });
    expect(byId(employees, 'elena')?.role).toBe('Tech Lead');
    expect(byId(employees, 'alex')?.role).toBe('Product Manager');
    expect(byId(employees, 'james')?.role).toMatch(/DevOps/);
    expect(new Set(employees.map((e) => e.name)).size).toBe(12);

    const runtimes = value(await sim.listRuntimes());
    expect(runtimes.map((r) => r.id).sort()).toEqual(employees.map((e) => `bash-runtime-${e.name.toLowerCase()}`).sort());
    expect(byId(runtimes, 'bash-runtime-mike')).toMatchObject({ employeeId: 'mike', status: 'connected', heartbeatIntervalSeconds: 30, memoryLimitMb: 2048 });
    expect(byId(runtimes, 'bash-runtime-priya')?.memoryLimitMb).toBe(1024);

    const routines = value(await sim.listRoutines());
    expect(byId(routines, 'daily-code-review')).toMatchObject({ status: 'active', budgetLimitUsd: 10, budgetPeriod: 'month' });
    expect(routines.length).toBeGreaterThanOrEqual(2);

    const mcp = value(await sim.listMcpServers());
    expect(mcp).toHaveLength(3);
    expect(byId(mcp, 'database-query')).toMatchObject({ poolSize: 5, transport: 'http', status: 'healthy' });

    const providers = value(await sim.listProviders());
    expect(providers.map((p) => [p.id, p.name, p.status])).toEqual([
      ['anthropic', 'Anthropic', 'connected'],
      ['ollama', 'Ollama', 'connected'],
      ['openai', 'OpenAI', 'connected'],
    ]);
    expect(value(await sim.listWorkers()).length).toBeGreaterThan(0);
    expect(value(await sim.listWorkstreams()).length).toBeGreaterThan(0);
    expect(value(await sim.listTasks()).length).toBeGreaterThan(0);
    expect(value(await sim.listBreakers()).every((b) => b.state === 'closed')).toBe(true);
  });

  it('a second start neither duplicates the seed nor resets what happened since', async () => {
    const { sim } = await start();
    await sim.applyEvents([stored('runtime.disconnected', { runtime: 'bash-runtime-grace', reason: 'oom' })]);
    const again = (await start()).sim;
    expect(value(await again.listEmployees())).toHaveLength(12);
    expect(await database.db.$count(platformEmployees)).toBe(12);
    expect(await database.db.$count(platformRuntimes)).toBe(12);
    const grace = byId(value(await again.listRuntimes()), 'bash-runtime-grace');
    expect(grace).toMatchObject({ status: 'unreachable', lastDownReason: 'oom' });
  });

  it('restarting an unreachable runtime reports restarting, then heartbeats after the delay', async () => {
    const clock = new Date('2026-05-03T14:40:00Z');
    // Long enough that the checks made while it is restarting cannot race the heartbeat.
    const { sim, sink } = await start({ now: () => clock, restartHeartbeatDelayMs: 300 });
    await sim.applyEvents([stored('runtime.execution_failed', { runtime: 'bash-runtime-mike', reason: 'connection_refused' })]);
    expect(byId(value(await sim.listRuntimes()), 'bash-runtime-mike')).toMatchObject({
      status: 'unreachable',
      lastDownReason: 'connection_refused',
    });

    const restarted = value(await sim.restartRuntime('bash-runtime-mike'));
    expect(restarted.status).toBe('restarting');
    expect(sink.ofType('runtime.heartbeat')).toHaveLength(0);
    expect(errorOf(await sim.restartRuntime('bash-runtime-mike')).code).toBe('invalid_state');

    await vi.waitFor(() => expect(sink.ofType('runtime.heartbeat')).toHaveLength(1), { timeout: 5_000 });
    const [beat] = sink.ofType('runtime.heartbeat');
    expect(beat).toMatchObject({ source: 'simulator', occurredAt: clock.toISOString() });
    expect(beat!.attributes).toMatchObject({ runtime: 'bash-runtime-mike', intervalSeconds: 30, employee: 'mike' });
    expect(beat!.id).toMatch(/^sim-/);
    expect(byId(value(await sim.listRuntimes()), 'bash-runtime-mike')).toMatchObject({
      status: 'connected',
      lastHeartbeatAt: clock.toISOString(),
    });

    value(await sim.restartRuntime('bash-runtime-mike'));
    await vi.waitFor(() => expect(sink.ofType('runtime.heartbeat')).toHaveLength(2), { timeout: 5_000 });
    const ids = sink.ofType('runtime.heartbeat').map((e) => e.id);
    expect(new Set(ids).size).toBe(2);
  });

  it('does not heartbeat a runtime that went down again while restarting', async () => {
    const { sim, sink } = await start({ restartHeartbeatDelayMs: 400 });
    value(await sim.restartRuntime('bash-runtime-omar'));
    await sim.applyEvents([stored('runtime.disconnected', { runtime: 'bash-runtime-omar', reason: 'crashed' })]);
    await new Promise((r) => setTimeout(r, 600));
    expect(sink.ofType('runtime.heartbeat')).toHaveLength(0);
    expect(byId(value(await sim.listRuntimes()), 'bash-runtime-omar')?.status).toBe('unreachable');
  });

  it('close() stops pending heartbeats, and the next start finishes the interrupted restart', async () => {
    const first = await start({ restartHeartbeatDelayMs: 60 });
    value(await first.sim.restartRuntime('bash-runtime-priya'));
    first.sim.close();
    await new Promise((r) => setTimeout(r, 150));
    expect(first.sink.events).toHaveLength(0);
    expect(byId(value(await first.sim.listRuntimes()), 'bash-runtime-priya')?.status).toBe('restarting');

    const second = await start({ restartHeartbeatDelayMs: 60 });
    await vi.waitFor(() => expect(second.sink.ofType('runtime.heartbeat')).toHaveLength(1), { timeout: 5_000 });
    expect(second.sink.events[0]!.attributes).toMatchObject({ runtime: 'bash-runtime-priya' });
    expect(byId(value(await second.sim.listRuntimes()), 'bash-runtime-priya')?.status).toBe('connected');
  });

  it('an unknown runtime is not_found', async () => {
    const { sim } = await start();
    expect(errorOf(await sim.restartRuntime('bash-runtime-nobody'))).toMatchObject({ code: 'not_found' });
  });

  it('a failing emit neither fails the action nor goes unnoticed', async () => {
    const problems: string[] = [];
    const { sim } = await start({
      emit: async () => {
        throw new Error('intake down');
      },
      onError: (_e, context) => problems.push(context),
    });
    await sim.applyEvents([stored('loop.started', { loopId: 'loop-emit-fails', ticket: '#70' })]);
    expect(value(await sim.cancelLoop('loop-emit-fails', 'operator request')).status).toBe('cancelled');
    expect(problems.join()).toMatch(/loop\.finished/);
  });
});
