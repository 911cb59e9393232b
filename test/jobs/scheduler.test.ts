import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createScheduler, type Scheduler } from '../../src/jobs/scheduler.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const T = new Date('2026-11-01T10:00:00Z');

describe.each(databaseKinds())('scheduler on %s', (kind) => {
  let database: TestDatabase;
  const schedulers: Scheduler[] = [];
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => {
    await database.query(sql`truncate scheduled_jobs`);
  });
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop()));
  });
  const scheduler = (replicaId: string) => {
    const s = createScheduler({ database, replicaId });
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

  it('refuses an invalid cron expression and a duplicate name', () => {
    const a = scheduler('replica-a');
    expect(() => a.schedule('bad', 'every minute', () => {})).toThrow(/invalid cron expression/);
    a.schedule('twice', '* * * * *', () => {});
    expect(() => a.schedule('twice', '* * * * *', () => {})).toThrow(/already scheduled/);
  });
});
