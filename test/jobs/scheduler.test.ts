import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { leaseState, tryAcquire } from '../../src/cluster/lease.js';
import { createScheduler, type Scheduler, type SchedulerDeps } from '../../src/jobs/scheduler.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const T = new Date('2026-11-01T10:00:00Z');

type Line = { level: string; msg?: string } & Record<string, unknown>;
const capturingLogger = (lines: Line[]): NonNullable<SchedulerDeps['logger']> => {
  const at = (level: string) => (fields: unknown, msg?: string) => void lines.push({ level, ...(typeof fields === 'object' ? fields : { msg: fields }), msg });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as unknown as NonNullable<SchedulerDeps['logger']>;
};

describe.each(databaseKinds())('scheduler on %s', (kind) => {
  let database: TestDatabase;
  const schedulers: Scheduler[] = [];
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => {
    await database.query(sql`truncate scheduled_jobs, leases`);
  });
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop()));
  });
  const scheduler = (replicaId: string, logger?: SchedulerDeps['logger']) => {
    const s = createScheduler({ database, replicaId, logger });
    schedulers.push(s);
    return s;
  };

  it('runs a job on every tick of its cron expression, records it, and stops when told', async () => {
    const a = scheduler('replica-a');
    const ticks: Date[] = [];
    a.schedule('insight-tick', '* * * * * *', ({ tick }) => void ticks.push(tick));
    await sleep(2_300);
    await a.stop();
    const seen = ticks.length;
    await sleep(1_200);

    expect(seen).toBeGreaterThanOrEqual(2);
    expect(ticks).toHaveLength(seen);
    expect(ticks.every((t) => t.getMilliseconds() === 0)).toBe(true);
    const [status] = await a.status();
    expect(status).toMatchObject({ name: 'insight-tick', lastRunBy: 'replica-a', lastOutcome: 'ok', runs: seen });
  });

  it('runs a tick once however many times it is asked for, and never an older one', async () => {
    const a = scheduler('replica-a');
    let runs = 0;
    a.schedule('digest', '0 0 * * *', () => void runs++);

    expect(await a.tick('digest', T)).toEqual({ outcome: 'ran', ok: true });
    expect(await a.tick('digest', T)).toEqual({ outcome: 'taken' });
    expect(await a.tick('digest', new Date(T.getTime() - 60_000))).toEqual({ outcome: 'taken' });
    expect(await a.tick('digest', new Date(T.getTime() + 60_000))).toEqual({ outcome: 'ran', ok: true });
    expect(runs).toBe(2);
  });

  it('two schedulers asked for the same tick at once run it once', async () => {
    const a = scheduler('replica-a');
    const b = scheduler('replica-b');
    const ranOn: string[] = [];
    a.schedule('cleanup', '0 * * * *', () => void ranOn.push('a'));
    b.schedule('cleanup', '0 * * * *', () => void ranOn.push('b'));

    const outcomes = await Promise.all([a.tick('cleanup', T), b.tick('cleanup', T)]);

    expect(ranOn).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'ran')).toHaveLength(1);
  });

  it('records a failing job and keeps the schedule going', async () => {
    const a = scheduler('replica-a');
    let calls = 0;
    a.schedule('flaky', '0 * * * *', () => {
      calls++;
      if (calls === 1) throw new Error('platform unreachable');
    });

    expect(await a.tick('flaky', T)).toEqual({ outcome: 'ran', ok: false });
    expect(await a.status()).toMatchObject([{ name: 'flaky', lastOutcome: 'failed', lastError: 'platform unreachable', runs: 1 }]);
    expect(await a.tick('flaky', new Date(T.getTime() + 3_600_000))).toEqual({ outcome: 'ran', ok: true });
    expect(await a.status()).toMatchObject([{ lastOutcome: 'ok', lastError: null, runs: 2 }]);
  });

  it('runExclusive refuses a second run while the first is in progress', async () => {
    const a = scheduler('replica-a');
    const b = scheduler('replica-b');
    let release: () => void = () => {};
    const first = a.runExclusive('insight-tick', () => new Promise<string>((resolve) => (release = () => resolve('done'))));
    await sleep(50);

    expect(await b.runExclusive('insight-tick', async () => 'second')).toEqual({ ok: false, error: { code: 'busy', name: 'insight-tick' } });
    expect(await a.runExclusive('other-job', async () => 'other')).toEqual({ ok: true, value: 'other' });
    release();
    expect(await first).toEqual({ ok: true, value: 'done' });
    expect(await b.runExclusive('insight-tick', async () => 'third')).toEqual({ ok: true, value: 'third' });
  });

  it('a job whose lease a vanished replica still holds is busy until the lease expires, then runs', async () => {
    const a = scheduler('replica-a');
    let runs = 0;
    a.schedule('digest', '0 0 * * *', () => void runs++);
    // A replica that took the job and died: nobody renews or releases its lease.
    expect(await tryAcquire(database.db, 'job:digest', 'replica-dead#run-1', 800)).toMatchObject({ epoch: 1 });

    expect(await a.tick('digest', T)).toEqual({ outcome: 'busy' });
    expect(await a.runExclusive('digest', async () => 'now')).toEqual({ ok: false, error: { code: 'busy', name: 'digest' } });
    expect(runs).toBe(0);
    await sleep(1_000);

    expect(await a.tick('digest', T)).toEqual({ outcome: 'ran', ok: true });
    expect(runs).toBe(1);
    expect((await leaseState(database, 'job:digest'))?.holder).toMatch(/^replica-a#/);
    // Released when the run ended: the next taker does not wait for the TTL.
    expect(await tryAcquire(database.db, 'job:digest', 'replica-b#run-1', 60_000)).toMatchObject({ epoch: 3 });
  });

  it('a job that runs longer than its lease TTL keeps the lease by renewing it', async () => {
    const a = scheduler('replica-a');
    const b = scheduler('replica-b');
    let duringRun: unknown;
    a.schedule(
      'reconcile',
      '0 * * * *',
      async () => {
        await sleep(700); // past the 300 ms TTL: only renewals keep other runs out now
        duringRun = await b.runExclusive('reconcile', async () => 'overlapping');
        await sleep(300);
      },
      { maxRunMs: 300 },
    );

    expect(await a.tick('reconcile', T)).toEqual({ outcome: 'ran', ok: true });
    expect(duringRun).toEqual({ ok: false, error: { code: 'busy', name: 'reconcile' } });
    expect(await a.status()).toMatchObject([{ name: 'reconcile', lastOutcome: 'ok', lastError: null, runs: 1 }]);
    expect(await b.runExclusive('reconcile', async () => 'after', { maxRunMs: 300 })).toEqual({ ok: true, value: 'after' });
  });

  it('a run that loses its lease midway is warned about and recorded, and still finishes', async () => {
    const lines: Line[] = [];
    const a = scheduler('replica-a', capturingLogger(lines));
    a.schedule(
      'cleanup',
      '0 * * * *',
      async () => {
        // Another holder takes the job over (as if this replica had stalled past the TTL).
        await database.query(sql`update leases set holder = 'replica-b#run-9', epoch = epoch + 1 where name = 'job:cleanup'`);
        await sleep(500);
      },
      { maxRunMs: 300 },
    );

    expect(await a.tick('cleanup', T)).toEqual({ outcome: 'ran', ok: true, leaseLost: true });
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', job: 'cleanup', msg: 'scheduled job lost its lease while running' }));
    const [status] = await a.status();
    expect(status).toMatchObject({ name: 'cleanup', lastOutcome: 'ok', runs: 1 });
    expect(status?.lastError).toMatch(/lease job:cleanup lost during the run/);
    // The lease is the other holder's: this run's release must not have freed it.
    expect(await leaseState(database, 'job:cleanup')).toMatchObject({ holder: 'replica-b#run-9' });
  });

  it('logs each run at debug level with its job, tick and replica', async () => {
    const lines: Line[] = [];
    const a = scheduler('replica-a', capturingLogger(lines));
    a.schedule('digest', '0 0 * * *', () => {});

    await a.tick('digest', T);
    await a.tick('digest', T);

    expect(lines.filter((l) => l.msg === 'scheduled job ran')).toEqual([
      { level: 'debug', job: 'digest', tick: T.toISOString(), replica: 'replica-a', msg: 'scheduled job ran' },
    ]);
  });

  it('refuses an invalid cron expression, a duplicate name and an unusable maxRunMs', () => {
    const a = scheduler('replica-a');
    expect(() => a.schedule('bad', 'every minute', () => {})).toThrow(/invalid cron expression/);
    expect(() => a.schedule('bad', '* * * * *', () => {}, { maxRunMs: 0 })).toThrow(/invalid maxRunMs/);
    a.schedule('twice', '* * * * *', () => {});
    expect(() => a.schedule('twice', '* * * * *', () => {})).toThrow(/already scheduled/);
  });
});
