import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { confirmations, NO, YES } from '../../../adapters/discord/confirm.js';
import { openDatabase, type Database } from '../../../src/db/client.js';
import { discordConfirmations } from '../../../src/db/schema/confirmations.js';
import { oneDatabaseKind, openTestDatabase, realPostgresUrl, type TestDatabase } from '../../support/databases.js';

const T0 = Date.parse('2026-05-03T14:30:00Z');
const MINUTE = 60_000;
const WHERE = { channelId: '1300000000000000003', messageId: '1400000000000000004' };

type Question = { data: { content: string; components: Array<{ components: Array<{ custom_id: string }> }> } };
const buttons = (question: object) => {
  const [yes, no] = (question as Question).data.components[0]!.components;
  return { yes: yes!.custom_id, no: no!.custom_id };
};

/**
 * The questions a Discord "ask first" button asks, kept in `discord_confirmations` so a Yes can
 * be answered by any replica: one answer per question, 15 minutes on the injected clock, and
 * the table swept as it is used.
 */
describe.each(oneDatabaseKind())('Discord confirmations on %s', (kind) => {
  let database: TestDatabase;
  let clock = T0;
  const now = () => clock;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => {
    clock = T0;
    await database.db.delete(discordConfirmations);
  });
  const rows = () => database.db.select().from(discordConfirmations);

  it('asks with Yes and Cancel, and keeps what was asked for 15 minutes from the injected clock', async () => {
    const question = await confirmations(database, now).ask('v1|cancel_loop|insight:6|loop:loop-47', WHERE);
    const { yes, no } = buttons(question);
    expect(yes.startsWith(YES)).toBe(true);
    expect(no).toBe(`${NO}${yes.slice(YES.length)}`);
    expect(await rows()).toEqual([
      { key: yes.slice(YES.length), actionId: 'v1|cancel_loop|insight:6|loop:loop-47', ...WHERE, askedAt: new Date(T0), expiresAt: new Date(T0 + 15 * MINUTE) },
    ]);
  });

  it('answers a Yes once, from another instance over the same database too', async () => {
    const { yes } = buttons(await confirmations(database, now).ask('v1|dismiss|insight:1', WHERE));
    const elsewhere = confirmations(database, now);
    expect(await elsewhere.take(yes)).toEqual({ actionId: 'v1|dismiss|insight:1', ...WHERE });
    expect(await elsewhere.take(yes)).toBeUndefined();
    expect(await rows()).toEqual([]);
  });

  it('a Cancel takes the question too, so its Yes no longer acts', async () => {
    const asker = confirmations(database, now);
    const { yes, no } = buttons(await asker.ask('v1|dismiss|insight:1', WHERE));
    expect(await asker.take(no)).toBeDefined();
    expect(await asker.take(yes)).toBeUndefined();
  });

  it('a question still answers at 15 minutes, not a millisecond later, and an expired one is gone', async () => {
    const asker = confirmations(database, now);
    const { yes: inTime } = buttons(await asker.ask('v1|dismiss|insight:1', WHERE));
    const { yes: late } = buttons(await asker.ask('v1|dismiss|insight:2', WHERE));
    clock = T0 + 15 * MINUTE;
    expect(await asker.take(inTime)).toMatchObject({ actionId: 'v1|dismiss|insight:1' });
    clock += 1;
    expect(await asker.take(late)).toBeUndefined();
    expect(await rows()).toEqual([]);
  });

  it('an unknown or malformed key is simply not there', async () => {
    const asker = confirmations(database, now);
    expect(await asker.take(`${YES}0123456789abcdef`)).toBeUndefined();
    expect(await asker.take(`${YES}' or 1=1 --`)).toBeUndefined();
  });

  it('each ask deletes a bounded batch of expired questions, oldest first, and never a live one', async () => {
    const expired = Array.from({ length: 150 }, (_, i) => ({
      key: `old-${String(i).padStart(3, '0')}`,
      actionId: 'v1|dismiss|insight:1',
      ...WHERE,
      askedAt: new Date(T0 - 30 * MINUTE + i),
      expiresAt: new Date(T0 - 15 * MINUTE + i),
    }));
    const live = { key: 'live', actionId: 'v1|dismiss|insight:2', ...WHERE, askedAt: new Date(T0 - 5 * MINUTE), expiresAt: new Date(T0 + 10 * MINUTE) };
    await database.db.insert(discordConfirmations).values([...expired, live]);
    const asker = confirmations(database, now);
    await asker.ask('v1|dismiss|insight:3', WHERE);
    const left = (await rows()).map((r) => r.key).sort();
    expect(left.filter((k) => k.startsWith('old-'))).toEqual(expired.slice(100).map((r) => r.key));
    expect(left).toContain('live');
    expect(left).toHaveLength(52);
    await asker.ask('v1|dismiss|insight:4', WHERE);
    expect((await rows()).filter((r) => r.key.startsWith('old-'))).toEqual([]);
    expect(await asker.take(`${YES}live`)).toMatchObject({ actionId: 'v1|dismiss|insight:2' });
  });
});

/**
 * Two replicas, each with its own connection pool, take the same questions at the same moment
 * (two people, or one double click reaching two replicas): every question is answered exactly once.
 */
describe.runIf(realPostgresUrl())('Discord confirmations taken concurrently on PostgreSQL', () => {
  let database: TestDatabase;
  let replicas: Database[] = [];
  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    replicas = await Promise.all([1, 2].map(() => openDatabase({ kind: 'postgres', url: database.url!, maxConnections: 10 })));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await database?.drop();
  });

  it('of two concurrent takes of one question, exactly one gets it', async () => {
    const [a, b] = replicas.map((r) => confirmations(r)) as [ReturnType<typeof confirmations>, ReturnType<typeof confirmations>];
    const asked = await Promise.all(Array.from({ length: 40 }, (_, i) => a.ask(`v1|dismiss|insight:${i}`, WHERE)));
    const yeses = asked.map((q) => buttons(q).yes);
    // Every take in flight at once, each question on both pools, and a second take on the same pool.
    const taken = await Promise.all(yeses.map((yes) => Promise.all([a.take(yes), b.take(yes), b.take(yes)])));
    for (const [i, results] of taken.entries()) {
      const got = results.filter((r) => r !== undefined);
      expect(got).toEqual([{ actionId: `v1|dismiss|insight:${i}`, ...WHERE }]);
    }
    expect(await database.query(sql`select count(*)::int as n from discord_confirmations`)).toEqual([{ n: 0 }]);
  });
});
