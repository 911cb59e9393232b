import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecoveryDeps, RecoveryResult } from '../../../src/actions/recovery/action.js';
import { findRecoveryAction } from '../../../src/actions/recovery/index.js';
import type { TypedEvent } from '../../../src/events/vocabulary.js';
import type { StoredEvent } from '../../../src/intake/event-writer.js';
import { createHttpPlatform } from '../../../src/platform/http-client.js';
import type { Platform } from '../../../src/platform/port.js';
import { createSimulator, type Simulator } from '../../../src/platform/simulator/simulator.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../../support/databases.js';
import { serve } from '../../platform/http-server.js';

/** Each run a new intent: the simulator answers a repeated key from its record. */
const key = () => ({ idempotencyKey: `test-${randomUUID()}` });

const event = (type: string, attributes: Record<string, unknown>): StoredEvent => ({
  type,
  source: 'scenario',
  occurredAt: new Date().toISOString(),
  attributes,
  known: true,
  eventKey: randomUUID(),
});

const text = (result: RecoveryResult): string => (result.ok ? result.value.text : `${result.error.code}: ${result.error.text}`);

describe.each(databaseKinds())('recovery actions against the simulator (%s)', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;
  let deps: RecoveryDeps;

  const run = (action: string, targetId: string, params: unknown = {}) => findRecoveryAction(action)!.run(deps, { targetId, params, call: key() });
  const find = async <K extends 'listLoops' | 'listTasks' | 'listMcpServers' | 'listBreakers'>(list: K, id: string) => {
    const items = await (sim[list] as Platform[K])();
    return items.ok ? (items.value as { id: string }[]).find((i) => i.id === id) : undefined;
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const toStored = (e: TypedEvent): StoredEvent => ({ ...e, known: true, eventKey: randomUUID() }) as StoredEvent;
    sim = await createSimulator({ database, restartHeartbeatDelayMs: 20, emit: async (events) => sim.applyEvents(events.map(toStored)) });
    deps = { platform: sim, now: Date.now, heartbeatTimeoutMs: 5_000 };
  });
  afterAll(async () => {
    sim?.close();
    await database?.drop();
  });

  it("cancels ticket #55's loop with the default reason, and refuses a second cancel", async () => {
    await sim.applyEvents([event('loop.started', { loopId: 'loop-55', ticket: '#55', employee: 'Elena' })]);
    expect(text(await run('cancel_loop', 'loop-55'))).toBe('loop loop-55 (ticket #55) cancelled ✅ (cancelled from chat)');
    expect(await find('listLoops', 'loop-55')).toMatchObject({ status: 'cancelled' });

    const again = await run('cancel_loop', 'loop-55');
    expect(!again.ok && again.error).toMatchObject({ code: 'invalid_state', retryable: false });
    expect(text(again)).toMatch(/already cancelled.*\(nothing was changed\) ❌$/);
  });

  it('cancels with the reason given', async () => {
    await sim.applyEvents([event('loop.started', { loopId: 'loop-56', employee: 'Mike' })]);
    expect(text(await run('cancel_loop', 'loop-56', { reason: 'stuck 52 minutes' }))).toBe('loop loop-56 cancelled ✅ (stuck 52 minutes)');
  });

  it('restarts an exhausted MCP server and resets an open breaker', async () => {
    await sim.applyEvents([
      event('mcp.pool', { server: 'database-query', inUse: 5, size: 5, waiting: 3 }),
      event('mcp.health', { server: 'database-query', status: 'failing' }),
      event('breaker.state', { breaker: 'P12345', state: 'open' }),
    ]);
    expect(text(await run('restart_mcp_server', 'database-query'))).toBe('MCP server database-query restarted ✅ (healthy, pool 0/5 in use)');
    expect(await find('listMcpServers', 'database-query')).toMatchObject({ status: 'healthy', poolInUse: 0 });
    expect(text(await run('reset_breaker', 'P12345'))).toBe('circuit breaker P12345 reset ✅ (now closed)');
    expect(await find('listBreakers', 'P12345')).toMatchObject({ state: 'closed' });
  });

  it('retries a timed-out task with a longer timeout', async () => {
    await sim.applyEvents([event('task.state', { taskId: 'task-003', state: 'timed_out', attempt: 3, maxAttempts: 3 })]);
    expect(text(await run('retry_task', 'task-003', { timeoutSeconds: 1200 }))).toBe('task task-003 queued again ✅ (attempt 4 of 4, timeout 1200 s)');
    expect(await find('listTasks', 'task-003')).toMatchObject({ state: 'pending', timeoutSeconds: 1200 });
  });

  it('refuses a retry timeout that is not a whole number of seconds up to an hour, before calling the platform', async () => {
    await sim.applyEvents([event('task.state', { taskId: 'task-004', state: 'failed' })]);
    for (const timeoutSeconds of [0, -5, 1.5, 3601, '1200']) {
      const refused = await run('retry_task', 'task-004', { timeoutSeconds });
      expect(!refused.ok && refused.error, String(timeoutSeconds)).toMatchObject({ code: 'invalid_input', retryable: false });
      expect(text(refused)).toMatch(/timeout .*(1 hour|3600 seconds)/);
    }
    expect(await find('listTasks', 'task-004')).toMatchObject({ state: 'failed' });
  });

  it('skips a task only with a reason', async () => {
    for (const params of [{}, { reason: '' }, { reason: ' x ' }, undefined, null]) {
      const refused = await run('skip_task', 'task-004', params);
      expect(!refused.ok && refused.error).toMatchObject({ code: 'invalid_input', retryable: false });
      expect(text(refused)).toMatch(/^invalid_input: Skipping a task needs a reason/);
    }
    expect(await find('listTasks', 'task-004')).toMatchObject({ state: 'failed' });
    expect(text(await run('skip_task', 'task-004', { reason: 'not indicative of failure' }))).toBe('task task-004 skipped ✅ (not indicative of failure)');
    expect(await find('listTasks', 'task-004')).toMatchObject({ state: 'skipped' });
  });

  it('restarts a busy worker only by force, naming the reassigned tasks', async () => {
    const refused = await run('restart_worker', 'worker-002');
    expect(!refused.ok && refused.error).toMatchObject({ code: 'invalid_state', retryable: false });
    expect(text(refused)).toMatch(/restart with force/);
    expect(text(await run('force_restart_worker', 'worker-002'))).toBe('worker worker-002 forced down and restarted ✅ (healthy; reassigned task-002)');
    expect(text(await run('restart_worker', 'worker-002'))).toBe('worker worker-002 restarted ✅ (healthy; no tasks to reassign)');
  });

  it.each([
    ['cancel_loop', 'loop-404', /no agentic loop named loop-404/],
    ['restart_mcp_server', 'mcp-404', /no MCP server named mcp-404/],
    ['reset_breaker', 'breaker-404', /no circuit breaker named breaker-404/],
    ['retry_task', 'task-404', /no task named task-404/],
    ['skip_task', 'task-404', /no task named task-404/],
    ['restart_worker', 'worker-404', /no worker named worker-404/],
    ['force_restart_worker', 'worker-404', /no worker named worker-404/],
  ])('%s on an unknown target says so and offers no retry', async (action, target, message) => {
    const result = await run(action, target, action === 'skip_task' ? { reason: 'gone anyway' } : {});
    expect(!result.ok && result.error).toMatchObject({ code: 'not_found', retryable: false });
    expect(text(result)).toMatch(message);
  });

  it('reports a crash inside an action as a failure instead of leaving it in progress', async () => {
    const crashing = { ...deps, sleep: () => Promise.reject(new Error('timer queue broke')) };
    const result = await findRecoveryAction('restart_runtime')!.run(crashing, { targetId: 'bash-runtime-james', params: {}, call: key() });
    expect(result).toEqual({ ok: false, error: { code: 'platform', text: 'restart runtime failed unexpectedly: timer queue broke ❌', retryable: false } });
  });

  it('refuses a button without a target', async () => {
    const result = await run('restart_mcp_server', '  ');
    expect(!result.ok && result.error).toMatchObject({ code: 'invalid_input', text: 'Nothing to act on: the button names no mcp server.' });
  });
});

describe('recovery actions when the platform is down', () => {
  it('say why and offer a retry', async () => {
    const gone = await serve(() => {});
    const url = gone.url;
    await gone.close();
    const platform = createHttpPlatform({ baseUrl: url, readAttempts: 1 });
    const deps: RecoveryDeps = { platform, now: Date.now, heartbeatTimeoutMs: 1_000 };
    const outage = await findRecoveryAction('cancel_loop')!.run(deps, { targetId: 'loop-55', params: {}, call: key() });
    expect(!outage.ok && outage.error).toMatchObject({ code: 'unreachable', retryable: true });
    expect(text(outage)).toMatch(/could not be reached, so nothing was sent.* ❌$/);
  });
});
