import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Tenure } from '../../src/cluster/lease.js';
import { createLeadership, type Leadership } from '../../src/cluster/leadership.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FAST = { ttlMs: 400, renewEveryMs: 100, retryEveryMs: 100 };

/** One leader at a time (src/cluster/leadership.ts), in-process replicas on one database. */
describe.each(databaseKinds())('leadership on %s', (kind) => {
  let database: TestDatabase;
  const running: Leadership[] = [];
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => {
    await Promise.all(running.splice(0).map((l) => l.stop()));
    await database.query(sql`truncate leases`);
  });

  const replica = (holder: string, takingUpMs = 0) => {
    const log: string[] = [];
    const leadership = createLeadership({
      database,
      name: 'evaluator',
      holder,
      options: FAST,
      logger: pino({ level: 'silent' }),
      onElected: async (t: Tenure) => {
        log.push(`elected ${t.epoch}`);
        await sleep(takingUpMs);
      },
      onDeposed: async (t: Tenure, reason: string) => void log.push(`deposed ${t.epoch}: ${reason}`),
    });
    running.push(leadership);
    return { leadership, log };
  };

  it('elects one replica; when it stops, another leads at once with the next epoch', async () => {
    const a = replica('a');
    const b = replica('b');
    await a.leadership.start();
    await b.leadership.start();
    expect(a.leadership.current()?.epoch).toBe(1);
    expect(b.leadership.current()).toBeUndefined();
    await a.leadership.stop();
    expect(a.log).toEqual(['elected 1', 'deposed 1: this replica is stopping']);
    await sleep(250);
    expect(b.leadership.current()?.epoch).toBe(2);
  });

  it('keeps the lease while taking up leadership takes longer than the lease lasts', async () => {
    const slow = replica('slow', 1_000);
    await slow.leadership.start();
    await sleep(300);
    expect(slow.leadership.current()?.epoch).toBe(1);
    expect(slow.log).toEqual(['elected 1']);
  });
});
