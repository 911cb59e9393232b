import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createScheduler, type Scheduler, type SchedulerDeps } from '../../src/jobs/scheduler.js';
import { openTestDatabase, realPostgresUrl, type TestDatabase } from '../support/databases.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Line = { level: string; msg?: string } & Record<string, unknown>;
const capturingLogger = (lines: Line[]): NonNullable<SchedulerDeps['logger']> => {
  const at = (level: string) => (fields: unknown, msg?: string) => void lines.push({ level, ...(typeof fields === 'object' ? fields : { msg: fields }), msg });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as unknown as NonNullable<SchedulerDeps['logger']>;
};

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
    replicaDatabases = await Promise.all([1, 2, 3].map(() => openDatabase({ kind: 'postgres', url: database.url!, maxConnections: 5 })));
  });
  afterAll(async () => {
    await Promise.all((replicaDatabases ?? []).map((d) => d.close()));
    await database?.drop();
  });
  afterEach(async () => {
    await Promise.all(replicas.map((s) => s.stop()));
  });
  const start = (count = 2, logger?: SchedulerDeps['logger']) => {
    replicas = replicaDatabases.slice(0, count).map((d, i) => createScheduler({ database: d, replicaId: `replica-${i + 1}`, logger }));
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

  it('holds no transaction open while a job runs', async () => {
    start();
    const [a] = replicas as [Scheduler, Scheduler];
    // Sampled from the test's own pool, apart from the replica's: an open transaction there
    // (the old advisory-lock design) shows as 'idle in transaction' while the job waits.
    const idleInTransaction: number[] = [];
    const sample = async () => {
      for (let i = 0; i < 4; i++) {
        await sleep(200);
        const [row] = await database.query<{ n: number }>(
          sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`,
        );
        idleInTransaction.push(row!.n);
      }
    };
    a.schedule('platform-sync', '0 * * * *', async () => {
      await replicaDatabases[0]!.query(sql`select 1`);
      await sample(); // ~1 s, as a job waiting on platform HTTP calls would
    });

    expect(await a.tick('platform-sync', new Date('2026-11-01T10:00:00Z'))).toEqual({ outcome: 'ran', ok: true });
    expect(await a.runExclusive('reconcile', sample)).toMatchObject({ ok: true });
    expect(idleInTransaction).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('three replicas on a 1-second cron run each tick once, and never two runs at a time', async () => {
    const lines: Line[] = [];
    start(3, capturingLogger(lines));
    const runs: Array<{ tick: string; replica: string; from: number; to: number }> = [];
    let running = 0;
    let mostAtOnce = 0;
    let started = 0;
    replicas.forEach((s, i) =>
      s.schedule('every-second', '* * * * * *', async ({ tick }) => {
        mostAtOnce = Math.max(mostAtOnce, ++running);
        const from = Date.now();
        // The first run outlasts the next tick, which must then find the job busy on every
        // replica instead of running beside it; the other runs are short.
        await sleep(started++ === 0 ? 1_400 : 150);
        running--;
        runs.push({ tick: tick.toISOString(), replica: `replica-${i + 1}`, from, to: Date.now() });
      }),
    );
    await sleep(4_300);
    await Promise.all(replicas.map((s) => s.stop()));

    expect(mostAtOnce).toBe(1);
    const ran = runs.map((r) => r.tick);
    expect(ran.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ran).size).toBe(ran.length);
    // Every second from the first tick to the last ran exactly once, unless it fired while a run
    // was still going (then it was busy everywhere and skipped, never run late or twice).
    const first = Date.parse(ran[0]!);
    const last = Date.parse(ran.at(-1)!);
    const skipped: string[] = [];
    for (let t = first; t <= last; t += 1_000) {
      const tick = new Date(t).toISOString();
      if (ran.includes(tick)) continue;
      expect(runs.some((r) => r.from < t && t < r.to), `tick ${tick} neither ran nor fell during a run`).toBe(true);
      skipped.push(tick);
    }
    expect(skipped).toHaveLength(1);
    const logged = lines.filter((l) => l.msg === 'scheduled job ran').map(({ job, tick, replica, level }) => ({ job, tick, replica, level }));
    expect(logged).toEqual(runs.map((r) => ({ job: 'every-second', tick: r.tick, replica: r.replica, level: 'debug' })));
  });
});
