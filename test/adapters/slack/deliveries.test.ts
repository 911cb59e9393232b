import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDeliveries } from '../../../adapters/slack/deliveries.js';
import type { Database } from '../../../src/db/client.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../../support/databases.js';

/**
 * The redelivery check every Slack command and click makes: first sight of a key is true, any
 * later one false, across batches and replicas; the asks of one moment share one statement.
 */
describe.each(databaseKinds())('Slack delivery check on %s', (kind) => {
  let database: TestDatabase;
  let statements = 0;
  /** The real database, counting the statements the check sends. */
  const counting = (): Database => ({ ...database, query: (statement) => (statements++, database.query(statement)) }) as Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => {
    statements = 0;
    await database.query(sql`delete from slack_deliveries`);
  });

  it('a burst of asks shares one statement; each key is first once, a repeat in the burst is not', async () => {
    const deliveries = createDeliveries(counting(), pino({ level: 'silent' }));
    const answers = await Promise.all(['a', 'b', 'a', 'c', 'b'].map((key) => deliveries.first(`command:T1:${key}`)));
    expect(answers).toEqual([true, true, false, true, false]);
    expect(statements).toBe(1);
  });

  it('a key seen before (another batch, another replica) is not first again', async () => {
    await createDeliveries(database, pino({ level: 'silent' })).first('action:T1:U1:1.2:dismiss');
    const replica = createDeliveries(counting(), pino({ level: 'silent' }));
    expect(await replica.first('action:T1:U1:1.2:dismiss')).toBe(false);
    expect(await replica.first('action:T1:U1:1.3:dismiss')).toBe(true);
    expect(statements).toBe(2);
  });

  it('a failing database fails every ask of the batch, so nothing is taken as new', async () => {
    const broken = { ...database, query: async () => Promise.reject(new Error('database went away')) } as Database;
    const deliveries = createDeliveries(broken, pino({ level: 'silent' }));
    const asks = ['x', 'y'].map((key) => deliveries.first(key).then(() => 'answered', (error: Error) => error.message));
    expect(await Promise.all(asks)).toEqual(['database went away', 'database went away']);
  });
});
