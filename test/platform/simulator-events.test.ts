import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/intake/event-writer.js';
import { createSimulator, type Simulator } from '../../src/platform/simulator/simulator.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { byId, emitted, stored, value } from './support.js';

describe.each(oneDatabaseKind())('simulator folds intake events into its model (%s)', (kind) => {
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

  it('a task.state changes only what it states, even an attempt above maxAttempts', async () => {
    const task = async (taskId: string) => byId(value(await sim.listTasks()), taskId);
    await sim.applyEvents([stored('task.state', { taskId: 'task-odd', state: 'pending', worker: 'worker-odd' })]);
    await sim.applyEvents([stored('task.state', { taskId: 'task-odd', state: 'failed', attempt: 4, maxAttempts: 2 })]);
    expect(await task('task-odd')).toMatchObject({ state: 'failed', attempt: 4, maxAttempts: 2, workerId: 'worker-odd' });
    // New tasks, in one batch: one created by an odd event, one created and then changed.
    await sim.applyEvents([
      stored('task.state', { taskId: 'task-odd-new', state: 'failed', attempt: 4, maxAttempts: 2 }, '2026-05-03T14:00:00Z'),
      stored('task.state', { taskId: 'task-odd-2', state: 'pending', attempt: 2 }, '2026-05-03T14:00:00Z'),
      stored('task.state', { taskId: 'task-odd-2', state: 'executing', maxAttempts: 5 }, '2026-05-03T14:01:00Z'),
    ]);
    expect(await task('task-odd-new')).toMatchObject({ state: 'failed', attempt: 4, maxAttempts: 4 });
    expect(await task('task-odd-2')).toMatchObject({ state: 'executing', attempt: 2, maxAttempts: 5 });
  });

  it('stores text that looks like SQL or like the quote tag of the JSON literal verbatim', async () => {
    const title = `$j$::jsonb) x(id text); drop table events; -- $j1$ ' " \\ \u0001`;
    await sim.applyEvents([stored('loop.started', { loopId: 'loop-quoted', title, ticket: '$j2$' })]);
    expect(byId(value(await sim.listLoops()), 'loop-quoted')).toMatchObject({ title, ticket: '$j2$' });
    expect((await database.query<{ n: number }>(sql`select count(*)::int as n from events`))[0]!.n).toBeGreaterThanOrEqual(0);
  });

  it('applies a batch all or nothing: a statement the database refuses undoes the batch', async () => {
    const batch = [
      stored('runtime.heartbeat', { runtime: 'bash-runtime-atomic', intervalSeconds: 30 }, '2026-05-03T15:00:00Z'),
      // Valid for the vocabulary, out of range for the integer column.
      stored('runtime.memory', { runtime: 'bash-runtime-atomic', usedMb: 1, limitMb: 1e12 }, '2026-05-03T15:01:00Z'),
    ];
    await expect(sim.applyEvents(batch)).rejects.toThrow();
    expect(byId(value(await sim.listRuntimes()), 'bash-runtime-atomic')).toBeUndefined();
  });

  it('applies a batch in time order, whatever order it arrived in', async () => {
    await sim.applyEvents([
      stored('runtime.heartbeat', { runtime: 'bash-runtime-lucas', intervalSeconds: 30 }, '2026-05-03T15:10:00Z'),
      stored('runtime.disconnected', { runtime: 'bash-runtime-lucas', reason: 'timeout' }, '2026-05-03T15:05:00Z'),
      stored('runtime.heartbeat', { runtime: 'bash-runtime-lucas', intervalSeconds: 30 }, '2026-05-03T15:00:00Z'),
    ]);
    expect(byId(value(await sim.listRuntimes()), 'bash-runtime-lucas')).toMatchObject({
      status: 'connected',
      lastHeartbeatAt: new Date('2026-05-03T15:10:00Z').toISOString(),
    });
  });

  it('folds a batch into the same model as applying its events one by one in time order', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(eventSequence, fc.nat(), async (events, cut) => {
        run++;
        const oneByOne = `-s${run}`;
        const batched = `-b${run}`;
        const sequence = events.map((e, i) => ({ e, i })).sort((x, y) => x.e.minute - y.e.minute || x.i - y.i);
        for (const { e } of sequence) await sim.applyEvents([toStored(e, oneByOne)]);
        // Some of it beforehand, so the batch meets rows that already exist as well as new ones.
        const before = cut % (events.length + 1);
        for (const e of events.slice(0, before)) await sim.applyEvents([toStored(e, batched)]);
        await sim.applyEvents(events.slice(before).map((e) => toStored(e, batched)));
        // The prefix events were applied first in the batched run: the reference must match that.
        const reference = `-r${run}`;
        const rest = events.slice(before).map((e, i) => ({ e, i })).sort((x, y) => x.e.minute - y.e.minute || x.i - y.i);
        for (const e of events.slice(0, before)) await sim.applyEvents([toStored(e, reference)]);
        for (const { e } of rest) await sim.applyEvents([toStored(e, reference)]);
        expect(await modelRows(batched)).toEqual(await modelRows(reference));
        if (before === 0) expect(await modelRows(batched)).toEqual(await modelRows(oneByOne));
      }),
      { numRuns: kind === 'pglite' ? 150 : 40 },
    );
  });

  /** Every simulator row whose id carries `tag`, with the tag removed, so two runs can be compared. */
  async function modelRows(tag: string): Promise<string[]> {
    const tables = ['platform_runtimes', 'platform_loops', 'platform_routines', 'platform_mcp_servers', 'platform_providers', 'platform_workers', 'platform_workstreams', 'platform_tasks', 'platform_breakers'];
    const rows: string[] = [];
    for (const table of tables) {
      const found = await database.query<Record<string, unknown>>(sql`select * from ${sql.identifier(table)} where id like ${'%' + tag}`);
      for (const row of found) rows.push(`${table} ${JSON.stringify(row).split(tag).join('')}`);
    }
    return rows.sort();
  }
});

type GeneratedEvent = { type: string; attributes: Record<string, unknown>; minute: number };

const pick = <T,>(...items: T[]) => fc.constantFrom(...items);
const maybe = <T,>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
// Mostly one entity of each kind, so that its events meet (merge, interleave) within a batch.
const runtime = pick('bash-runtime-zed', 'bash-runtime-zed', 'rt-2');
const loop = pick('loop-a', 'loop-a', 'loop-b');
const routine = pick('routine-a', 'routine-a', 'routine-b');
const worker = pick('worker-a', 'worker-a', 'worker-b');
const workstream = pick('ws-a', 'ws-a', 'ws-b');
const reason = pick('connection_refused', 'timeout', 'oom');

/** A few entities, every event type the simulator applies, optional attributes present or not, some invalid. */
const anyEvent: fc.Arbitrary<Omit<GeneratedEvent, 'minute'>> = fc.oneof(
  fc.record({ type: fc.constant('runtime.heartbeat'), attributes: fc.record({ runtime, intervalSeconds: pick<number | string>(15, 30, 'soon'), employee: maybe(pick('Zoe', 'Yan')) }) }),
  fc.record({ type: fc.constant('runtime.disconnected'), attributes: fc.record({ runtime, reason, employee: maybe(pick('Zoe', 'Yan')) }) }),
  fc.record({ type: fc.constant('runtime.execution_failed'), attributes: fc.record({ runtime, reason }) }),
  fc.record({ type: fc.constant('runtime.memory'), attributes: fc.record({ runtime, usedMb: fc.constant(10), limitMb: pick(512, 2048) }) }),
  fc.record({ type: fc.constant('loop.started'), attributes: fc.record({ loopId: loop, ticket: maybe(pick('#1', '#2')), title: maybe(pick('t1', 't2')), employee: maybe(pick('Zoe', 'Yan')), provider: maybe(pick('OpenAI', 'anthropic')) }) }),
  fc.record({ type: fc.constant('loop.finished'), attributes: fc.record({ loopId: loop, outcome: pick('completed', 'failed', 'cancelled') }) }),
  fc.record({ type: fc.constant('routine.spend'), attributes: fc.record({ routine, spentUsd: pick(1, 12.5), limitUsd: pick(10, 20), period: maybe(pick('day', 'week')) }) }),
  fc.record({ type: fc.constant('routine.paused'), attributes: fc.record({ routine, reason: pick('budget_exhausted', 'manual') }) }),
  fc.record({ type: fc.constant('routine.resumed'), attributes: fc.record({ routine }) }),
  fc.record({ type: fc.constant('mcp.pool'), attributes: fc.record({ server: pick('mcp-a', 'mcp-b'), inUse: pick(1, 5), size: pick(5, 8) }) }),
  fc.record({ type: fc.constant('mcp.health'), attributes: fc.record({ server: pick('mcp-a', 'mcp-b'), status: pick('healthy', 'failing') }) }),
  fc.record({ type: fc.constant('provider.health'), attributes: fc.record({ provider: pick('Acme', 'acme', 'Beta'), latencyMs: pick(100, 9000), errorRate: pick(0, 0.2, 0.6), status: maybe(pick('connected', 'down')) }) }),
  fc.record({ type: fc.constant('worker.state'), attributes: fc.record({ worker, state: pick('healthy', 'unresponsive', 'stopped') }) }),
  fc.record({ type: fc.constant('worker.heartbeat'), attributes: fc.record({ worker }) }),
  fc.record({
    type: fc.constant('task.state'),
    attributes: fc.record({ taskId: pick('task-a', 'task-b'), state: pick('pending', 'executing', 'failed'), workstream: maybe(workstream), worker: maybe(worker), attempt: maybe(pick(1, 2, 4)), maxAttempts: maybe(pick(1, 3)) }),
  }),
  fc.record({ type: fc.constant('workstream.state'), attributes: fc.record({ workstream, state: pick('running', 'failed') }) }),
  fc.record({ type: fc.constant('breaker.state'), attributes: fc.record({ breaker: pick('br-a', 'br-b'), partner: maybe(pick('p1', 'p2')), state: pick('open', 'closed'), failureRate: maybe(pick(0, 0.5)) }) }),
);
/** Runs of a few types at a time, so that the same entity and type come back often. */
const eventSequence = fc
  .array(anyEvent, { minLength: 1, maxLength: 3 })
  .chain((kinds) => {
    const types = new Set(kinds.map((k) => k.type));
    return fc.array(
      fc.tuple(anyEvent.filter((e) => types.has(e.type)), fc.integer({ min: 0, max: 5 })).map(([body, minute]) => ({ ...body, minute })),
      { minLength: 1, maxLength: 12 },
    );
  });

/** Tags every id (and the names ids are derived from) so each run works on its own rows. */
function toStored(e: GeneratedEvent, tag: string): StoredEvent {
  const tagged = Object.fromEntries(
    Object.entries(e.attributes)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, typeof v === 'string' && !['reason', 'outcome', 'state', 'status', 'period', 'ticket', 'title'].includes(k) ? `${v}${tag}` : v]),
  );
  return stored(e.type, tagged, `2026-05-03T14:${String(e.minute).padStart(2, '0')}:00Z`);
}
