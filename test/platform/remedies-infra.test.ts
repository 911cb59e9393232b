import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/platform/simulator/simulator.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { nextWorkerId } from '../../src/platform/simulator/remedies/infra-queues.js';
import { emitted, errorOf, newKey, stored, value } from './support.js';

const GB = 1024 ** 3;
const HOUR = 3600;

/**
 * The simulator's infra operations (src/platform/simulator/remedies/infra*.ts) on the objects the
 * platform's events describe: each changes what the seed's step changes, refuses a state it does
 * not apply to (409) and an id nothing reported (404), and reports the change as the platform would.
 */
describe.each(oneDatabaseKind())('the infra remedies of the simulator (%s)', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;
  const events = emitted();
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    sim = await createSimulator({ database, emit: events.emit });
  });
  afterAll(async () => {
    sim?.close();
    await database?.drop();
  });

  describe('Redis memory pressure (playbook scenario 7)', () => {
    const I = 'redis-sim';
    beforeAll(async () => {
      // The scenario's last report: 5.6 GB of 6 GB, 5.2 GB of it idempotency keys kept 24 h.
      await sim.applyEvents([
        stored('redis.memory', { instance: I, usedPercent: 90.1, usedBytes: 5 * GB, maxBytes: 6 * GB, keyTtlSeconds: 24 * HOUR, idempotencyKeyBytes: 4.6 * GB }),
        stored('redis.memory', { instance: I, usedPercent: 93.3, usedBytes: 5.6 * GB, idempotencyKeyBytes: 5.2 * GB, evictedKeys: 1840, evictedIdempotencyKeys: 1240 }),
        stored('redis.memory', { instance: 'redis-percent-only', usedPercent: 95 }),
      ]);
    });

    it('answers 404 for an instance nobody reported, or one reported without its bytes', async () => {
      for (const name of ['shortenKeyTtl', 'flushExpiredKeys', 'raiseRedisMemory'] as const) {
        expect(errorOf(await sim.perform(name, 'redis-nobody', {}, newKey()))).toMatchObject({ code: 'not_found', message: expect.stringContaining('no memory report') });
      }
      expect(errorOf(await sim.perform('raiseRedisMemory', 'redis-percent-only', {}, newKey())).code).toBe('not_found');
    });

    it('refuses to flush while no key is older than the TTL (409), and changes nothing', async () => {
      const refused = errorOf(await sim.perform('flushExpiredKeys', I, {}, newKey()));
      expect(refused).toEqual({ code: 'invalid_state', message: `no idempotency keys on ${I} are older than its 24 h TTL: shorten the TTL first` });
    });

    it('halves the TTL (24 h → 12 h) without freeing memory, and reports it', async () => {
      events.events.length = 0;
      const shortened = value(await sim.perform('shortenKeyTtl', I, {}, newKey()));
      expect(shortened).toEqual({
        redis: { instance: I, usedBytes: 5.6 * GB, maxBytes: 6 * GB, usedPercent: 93.3, keyTtlSeconds: 12 * HOUR, oldestKeySeconds: 24 * HOUR },
        previousTtlSeconds: 24 * HOUR,
      });
      // Still under pressure: the report keeps its evictions, with the new TTL.
      expect(events.ofType('redis.memory').map((e) => e.attributes)).toEqual([expect.objectContaining({ instance: I, usedPercent: 93.3, keyTtlSeconds: 12 * HOUR, evictedIdempotencyKeys: 1240 })]);
    });

    it("refuses a TTL that would not be shorter (a second halving stops at the playbook's 12 h), or under an hour (409)", async () => {
      expect(errorOf(await sim.perform('shortenKeyTtl', I, {}, newKey()))).toEqual({ code: 'invalid_state', message: `the idempotency-key TTL of ${I} is already 12 h; 12 h would not shorten it` });
      expect(errorOf(await sim.perform('shortenKeyTtl', I, { ttlSeconds: 12 * HOUR }, newKey()))).toMatchObject({ code: 'invalid_state', message: expect.stringContaining('already 12 h') });
      expect(errorOf(await sim.perform('shortenKeyTtl', I, { ttlSeconds: 1800 }, newKey()))).toMatchObject({ code: 'invalid_state', message: expect.stringContaining('under 1 h') });
    });

    it('flushes the keys older than the TTL once: half of 24 h of keys, evictions stop', async () => {
      events.events.length = 0;
      const key = newKey();
      const flushed = value(await sim.perform('flushExpiredKeys', I, {}, key));
      expect(flushed.freedBytes / GB).toBeCloseTo(2.6, 6);
      expect(flushed.redis.usedBytes / GB).toBeCloseTo(3, 6);
      expect(flushed.redis).toMatchObject({ usedPercent: 50, keyTtlSeconds: 12 * HOUR, oldestKeySeconds: 12 * HOUR });
      expect(events.ofType('redis.memory').map((e) => e.attributes)).toEqual([expect.objectContaining({ usedPercent: 50, evictedKeys: 0, evictedIdempotencyKeys: 0 })]);
      // The same key is the same flush: answered from the record, nothing flushed twice.
      expect(value(await sim.perform('flushExpiredKeys', I, {}, key))).toEqual(flushed);
      expect(errorOf(await sim.perform('flushExpiredKeys', I, {}, newKey())).code).toBe('invalid_state');
    });

    it('doubles maxmemory (6 GB → 12 GB) and refuses a limit that is not higher (409)', async () => {
      const raised = value(await sim.perform('raiseRedisMemory', I, {}, newKey()));
      expect(raised).toMatchObject({ redis: { maxBytes: 12 * GB, usedPercent: 25 }, previousMaxBytes: 6 * GB });
      expect(errorOf(await sim.perform('raiseRedisMemory', I, { maxBytes: 8 * GB }, newKey()))).toEqual({ code: 'invalid_state', message: `maxmemory of ${I} is already 12 GB; 8 GB would not raise it` });
    });

    it('refuses a body the operation does not take', async () => {
      expect(errorOf(await sim.perform('raiseRedisMemory', I, { maxmemory: '12gb' } as never, newKey())).code).toBe('invalid_input');
    });
  });

  describe('dead letters growing (self-healing research, dead-letter queues)', () => {
    const Q = 'queue-sim';
    beforeAll(async () => {
      await sim.applyEvents([
        stored('queue.depth', { queue: Q, kind: 'dead_letter', depth: 4 }),
        stored('queue.depth', { queue: Q, kind: 'task', depth: 410 }),
        stored('queue.depth', { queue: Q, kind: 'dead_letter', depth: 87 }),
        stored('queue.depth', { queue: Q, kind: 'task', depth: 480 }),
        stored('queue.depth', { queue: 'tasks-only', kind: 'task', depth: 12 }),
      ]);
    });

    it('answers 404 for a queue nobody reported, or one with no dead-letter depth', async () => {
      expect(errorOf(await sim.perform('replayDeadLetters', 'queue-nobody', {}, newKey()))).toMatchObject({ code: 'not_found', message: 'no dead-letter queue is known for queue queue-nobody' });
      expect(errorOf(await sim.perform('replayDeadLetters', 'tasks-only', {}, newKey())).code).toBe('not_found');
    });

    it('puts every dead letter back on the task queue once, reports both depths, then refuses an empty queue (409)', async () => {
      events.events.length = 0;
      const key = newKey();
      const replayed = value(await sim.perform('replayDeadLetters', Q, {}, key));
      expect(replayed).toEqual({ queue: { queue: Q, depth: 567, deadLetters: 0 }, replayed: 87 });
      expect(events.ofType('queue.depth').map((e) => e.attributes)).toEqual([
        { queue: Q, kind: 'dead_letter', depth: 0 },
        { queue: Q, kind: 'task', depth: 567 },
      ]);
      expect(value(await sim.perform('replayDeadLetters', Q, {}, key))).toEqual(replayed);
      expect(errorOf(await sim.perform('replayDeadLetters', Q, {}, newKey()))).toEqual({ code: 'invalid_state', message: `the dead-letter queue of ${Q} is empty: nothing to replay` });
    });
  });

  describe('task queue growing (self-healing research, queue depth)', () => {
    const Q = 'agent-tasks-sim';
    const workers = async () => {
      const listed = await sim.listWorkers();
      return listed.ok ? listed.value : [];
    };
    beforeAll(async () => {
      // The seeded workspace's three workers, each executing two tasks now (worker-002 also runs the seed's task-002).
      const busy = ['worker-001', 'worker-002', 'worker-003'].flatMap((worker, i) =>
        [1, 2].map((n) => stored('task.state', { taskId: `task-9${i}${n}`, state: 'executing', worker, attempt: 1, maxAttempts: 3 })),
      );
      await sim.applyEvents([
        ...busy,
        stored('queue.depth', { queue: Q, kind: 'task', depth: 190 }),
        stored('queue.depth', { queue: Q, kind: 'task', depth: 205 }),
        stored('queue.depth', { queue: 'empty-queue', kind: 'task', depth: 0 }),
        stored('queue.depth', { queue: 'letters-only', kind: 'dead_letter', depth: 3 }),
      ]);
    });

    it('numbers a new worker after the highest', () => {
      expect(nextWorkerId(['worker-001', 'worker-003', 'gpu-7'])).toBe('worker-004');
      expect(nextWorkerId([])).toBe('worker-001');
      expect(nextWorkerId(['worker-9', 'worker-10'])).toBe('worker-11');
    });

    it('answers 404 for a queue with no task depth, and 409 for an empty one', async () => {
      expect(errorOf(await sim.perform('addWorker', 'queue-nobody', {}, newKey()))).toEqual({ code: 'not_found', message: 'no task queue depth is known for queue queue-nobody' });
      expect(errorOf(await sim.perform('addWorker', 'letters-only', {}, newKey())).code).toBe('not_found');
      expect(errorOf(await sim.perform('addWorker', 'empty-queue', {}, newKey()))).toMatchObject({ code: 'invalid_state', message: 'the task queue of empty-queue is empty: no capacity is needed' });
    });

    it('adds one healthy worker that takes its first tasks, once per key, and reports both', async () => {
      events.events.length = 0;
      const key = newKey();
      const added = value(await sim.perform('addWorker', Q, {}, key));
      expect(added).toMatchObject({ queue: { queue: Q, depth: 203 }, worker: { id: 'worker-004', status: 'healthy' }, claimed: 2 });
      expect(events.events.map((e) => [e.type, e.attributes])).toEqual([
        ['worker.heartbeat', { worker: 'worker-004', intervalSeconds: 60 }],
        ['queue.depth', { queue: Q, kind: 'task', depth: 203 }],
      ]);
      expect(value(await sim.perform('addWorker', Q, {}, key))).toEqual(added);
      expect((await workers()).map((w) => w.id)).toEqual(['worker-001', 'worker-002', 'worker-003', 'worker-004']);
    });

    it('refuses more capacity while a worker is blocked (409): "Add capacity only once nothing is blocked"', async () => {
      await sim.applyEvents([stored('worker.state', { worker: 'worker-002', state: 'unresponsive' })]);
      expect(errorOf(await sim.perform('addWorker', Q, {}, newKey()))).toEqual({
        code: 'invalid_state',
        message: 'worker worker-002 is unresponsive and stalls the queue: restart it before adding capacity',
      });
      expect(await workers()).toHaveLength(4);
    });
  });

  describe("MCP pool filling up (the seed story's pool fix)", () => {
    const pool = async (id: string) => {
      const listed = await sim.listMcpServers();
      return listed.ok ? listed.value.find((m) => m.id === id) : undefined;
    };

    it('answers 404 for a server it does not know', async () => {
      expect(errorOf(await sim.perform('raiseMcpPool', 'mcp-nobody', {}, newKey()))).toEqual({ code: 'not_found', message: 'no MCP server named mcp-nobody' });
    });

    it('grows the seeded database-query pool four-fold (5 → 20) once, keeps the connections in use, and reports it', async () => {
      await sim.applyEvents([stored('mcp.pool', { server: 'database-query', inUse: 4, size: 5, waiting: 0 })]);
      events.events.length = 0;
      const key = newKey();
      const raised = value(await sim.perform('raiseMcpPool', 'database-query', {}, key));
      expect(raised).toEqual({ server: { id: 'database-query', transport: 'http', status: 'healthy', poolSize: 20, poolInUse: 4 }, previousSize: 5 });
      expect(events.ofType('mcp.pool').map((e) => e.attributes)).toEqual([{ server: 'database-query', inUse: 4, size: 20, waiting: 0 }]);
      expect(value(await sim.perform('raiseMcpPool', 'database-query', {}, key))).toEqual(raised);
      expect((await pool('database-query'))?.poolSize).toBe(20);
    });

    it('refuses a size that is not above the current pool (409)', async () => {
      expect(errorOf(await sim.perform('raiseMcpPool', 'database-query', { size: 20 }, newKey()))).toEqual({
        code: 'invalid_state',
        message: 'the pool of database-query already has 20 connections; 20 would not raise it',
      });
      expect(value(await sim.perform('raiseMcpPool', 'database-query', { size: 30 }, newKey())).server.poolSize).toBe(30);
    });
  });
});
