import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecoveryDeps } from '../../../src/actions/recovery/action.js';
import { findRecoveryAction } from '../../../src/actions/recovery/index.js';
import type { TypedEvent } from '../../../src/events/vocabulary.js';
import type { StoredEvent } from '../../../src/intake/event-writer.js';
import { createSimulator, type Simulator } from '../../../src/platform/simulator/simulator.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../../support/databases.js';

/** Each run a new intent: the simulator answers a repeated key from its record. */
const key = () => ({ idempotencyKey: `test-${randomUUID()}` });

const restart = findRecoveryAction('restart_runtime')!;

/** What src/app.ts does: the simulator's own events come back to it through the intake. */
async function loopedSimulator(database: TestDatabase, restartHeartbeatDelayMs: number): Promise<Simulator> {
  const toStored = (e: TypedEvent): StoredEvent => ({ ...e, known: true, eventKey: randomUUID() }) as StoredEvent;
  const sim: Simulator = await createSimulator({
    database,
    restartHeartbeatDelayMs,
    emit: async (events) => sim.applyEvents(events.map(toStored)),
  });
  return sim;
}

describe.each(oneDatabaseKind())('restart runtime and wait for its heartbeat (%s)', (kind) => {
  let database: TestDatabase;
  let quick: Simulator;
  let slow: Simulator;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    quick = await loopedSimulator(database, 300);
    // Same workspace, but its restarts take an hour: the heartbeat never comes in time.
    slow = await loopedSimulator(database, 3_600_000);
  });
  afterAll(async () => {
    quick?.close();
    slow?.close();
    await database?.drop();
  });

  const deps = (platform: Simulator, over: Partial<RecoveryDeps> = {}): RecoveryDeps => ({
    platform,
    now: Date.now,
    heartbeatTimeoutMs: 10_000,
    heartbeatPollMs: 50,
    ...over,
  });

  it('reports the heartbeat and how long it took once the restarted runtime is back', async () => {
    await quick.applyEvents([
      { type: 'runtime.disconnected', source: 'scenario', occurredAt: new Date().toISOString(), attributes: { runtime: 'bash-runtime-mike', reason: 'timeout' }, known: true, eventKey: randomUUID() },
    ]);
    const done = await restart.run(deps(quick), { targetId: 'bash-runtime-mike', params: {}, call: key() });
    expect(done.ok).toBe(true);
    const text = done.ok ? done.value.text : '';
    expect(text).toMatch(/^heartbeat detected ✅ after \d+(\.\d)? s$/);
    // It waited for the simulated 300 ms restart, not just for the platform to accept it.
    expect(Number(text.match(/after ([\d.]+) s/)![1])).toBeGreaterThanOrEqual(0.3);
    const runtimes = await quick.listRuntimes();
    expect(runtimes.ok && runtimes.value.find((r) => r.id === 'bash-runtime-mike')?.status).toBe('connected');
  });

  it('gives up after the heartbeat timeout with a retryable failure', async () => {
    let clock = Date.now();
    const fake = { now: () => clock, sleep: async (ms: number) => void (clock += ms), heartbeatTimeoutMs: 60_000, heartbeatPollMs: 500 };
    const failed = await restart.run(deps(slow, fake), { targetId: 'bash-runtime-priya', params: {}, call: key() });
    expect(failed).toEqual({ ok: false, error: { code: 'no_heartbeat', text: 'no heartbeat after 60 s ❌', retryable: true } });
    const runtimes = await slow.listRuntimes();
    expect(runtimes.ok && runtimes.value.find((r) => r.id === 'bash-runtime-priya')?.status).toBe('restarting');
  });

  it('fails at once when the runtime drops again instead of coming back', async () => {
    let clock = Date.now();
    const sleep = async (ms: number) => {
      clock += ms;
      // The runtime crashes again while restarting: no heartbeat will follow.
      await slow.applyEvents([
        { type: 'runtime.disconnected', source: 'scenario', occurredAt: new Date().toISOString(), attributes: { runtime: 'bash-runtime-elena', reason: 'oom' }, known: true, eventKey: randomUUID() },
      ]);
    };
    const failed = await restart.run(deps(slow, { now: () => clock, sleep }), { targetId: 'bash-runtime-elena', params: {}, call: key() });
    expect(failed.ok).toBe(false);
    expect(!failed.ok && failed.error).toMatchObject({ code: 'no_heartbeat', retryable: true });
    expect(!failed.ok && failed.error.text).toMatch(/bash-runtime-elena went unreachable after the restart/);
    expect(clock - Date.now()).toBeLessThan(5_000);
  });

  it('refuses an unknown runtime and one that is already restarting, without waiting', async () => {
    const unknown = await restart.run(deps(quick), { targetId: 'bash-runtime-nobody', params: {}, call: key() });
    expect(!unknown.ok && unknown.error).toMatchObject({ code: 'not_found', retryable: false });
    expect(!unknown.ok && unknown.error.text).toMatch(/no runtime named bash-runtime-nobody/);

    const twice = await restart.run(deps(slow), { targetId: 'bash-runtime-priya', params: {}, call: key() });
    expect(!twice.ok && twice.error).toMatchObject({ code: 'invalid_state', retryable: false });
    expect(!twice.ok && twice.error.text).toMatch(/already restarting/);
  });

  it('allows the watchdog the platform call, the whole heartbeat wait and a last poll', () => {
    expect(restart.deadlineMs(deps(quick, { heartbeatTimeoutMs: 60_000, platformCallMs: 5_000 }))).toBe(70_000);
    expect(restart.progress).toBe('restarting…');
  });
});
