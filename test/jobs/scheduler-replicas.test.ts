import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createScheduler, type Scheduler } from '../../src/jobs/scheduler.js';
import { openTestDatabase, realPostgresUrl, type TestDatabase } from '../support/databases.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Two replicas: two schedulers, each with its own connection pool, over one real PostgreSQL.
 * Their timers fire for the same second within a millisecond or two of each other, which is the
 * race a real deployment has (with more skew). PGlite cannot host two connections.
 */
describe.runIf(realPostgresUrl())('scheduler replicas on real PostgreSQL', () => {
  let database: TestDatabase;
  let replicaDatabases: Database[];
  let replicas: Scheduler[];
  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    replicaDatabases = await Promise.all([1, 2].map(() => openDatabase({ kind: 'postgres', url: database.url!, maxConnections: 5 })));
  });
  afterAll(async () => {
    await Promise.all((replicaDatabases ?? []).map((d) => d.close()));
    await database?.drop();
  });
  afterEach(async () => {
    await Promise.all(replicas.map((s) => s.stop()));
  });
  const start = () => {
    replicas = replicaDatabases.map((d, i) => createScheduler({ database: d, replicaId: `replica-${i + 1}` }));
  };

  it('runs a fast job once per tick across two replicas', async () => {
    start();
    const runs: Array<{ tick: string; replica: number }> = [];
    replicas.forEach((s, i) => s.schedule('fast', '* * * * * *', ({ tick }) => void runs.push({ tick: tick.toISOString(), replica: i + 1 })));
    await sleep(3_600);
    await Promise.all(replicas.map((s) => s.stop()));

    const ticks = runs.map((r) => r.tick);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ticks).size).toBe(ticks.length);
  });

  it('never lets a slow job overlap itself across replicas', async () => {
    start();
    const spans: Array<{ from: number; to: number }> = [];
    replicas.forEach((s) =>
      s.schedule('slow', '* * * * * *', async () => {
        const from = Date.now();
        await sleep(1_500);
        spans.push({ from, to: Date.now() });
      }),
    );
    await sleep(4_200);
    await Promise.all(replicas.map((s) => s.stop()));

    expect(spans.length).toBeGreaterThanOrEqual(2);
    const sorted = spans.sort((x, y) => x.from - y.from);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.from).toBeGreaterThanOrEqual(sorted[i - 1]!.to);
  });

  it('runExclusive on one replica makes the other wait its turn', async () => {
    start();
    const [a, b] = replicas as [Scheduler, Scheduler];
    let release: () => void = () => {};
    const first = a.runExclusive('reconcile', () => new Promise<void>((resolve) => (release = resolve)));
    await sleep(100);

    expect(await b.runExclusive('reconcile', async () => 'b')).toMatchObject({ ok: false, error: { code: 'busy' } });
    release();
    expect(await first).toMatchObject({ ok: true });
    expect(await b.runExclusive('reconcile', async () => 'b')).toEqual({ ok: true, value: 'b' });
  });
});
