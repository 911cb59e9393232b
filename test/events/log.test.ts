import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOG_START, readLog, readRecent, type LogPosition } from '../../src/events/log.js';
import { databaseKinds, openTestDatabase, realPostgresUrl, type TestDatabase } from '../support/databases.js';

const insert = (q: { execute(s: ReturnType<typeof sql>): Promise<unknown> }, key: string, occurredAt = new Date()) =>
  q.execute(sql`insert into events (source, event_key, type, occurred_at, attributes, known)
    values ('log-test', ${key}, 'runtime.heartbeat', ${occurredAt.toISOString()}::timestamptz, '{"runtime":"r","intervalSeconds":30}', true)`);

const keys = (batch: { events: Array<{ eventKey: string }> }) => batch.events.map((e) => e.eventKey);

/** Reading the event log (src/events/log.ts): in commit-safe order, never skipping a late commit. */
describe.each(databaseKinds())('the event log on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => {
    await database.query(sql`truncate events`);
  });

  it('reads every event once, in pages, and then from where it stopped', async () => {
    for (const key of ['a', 'b', 'c', 'd', 'e']) await insert(database.db, key);
    const first = await readLog(database, LOG_START, 2);
    expect(keys(first)).toEqual(['a', 'b']);
    expect(first.complete).toBe(false);
    const second = await readLog(database, first.position, 10);
    expect(keys(second)).toEqual(['c', 'd', 'e']);
    expect(second.complete).toBe(true);
    expect(keys(await readLog(database, second.position, 10))).toEqual([]);
    await insert(database.db, 'f');
    expect(keys(await readLog(database, second.position, 10))).toEqual(['f']);
  });

  it('restores the newest events of the window, oldest first, and follows on from there without a gap or a repeat', async () => {
    const now = Date.now();
    await insert(database.db, 'too-old', new Date(now - 7 * 3600_000));
    for (const key of ['w1', 'w2', 'w3', 'w4']) await insert(database.db, key, new Date(now - 60_000));
    const restored = await readRecent(database, 6 * 3600_000, 3, now);
    expect(keys(restored)).toEqual(['w2', 'w3', 'w4']);
    await insert(database.db, 'after');
    expect(keys(await readLog(database, restored.position, 10))).toEqual(['after']);
  });

  it('gives each event back as it was sent: its time to the millisecond, its attributes', async () => {
    await insert(database.db, 'exact', new Date('2026-05-03T14:30:00.123Z'));
    const [event] = (await readLog(database, LOG_START, 10)).events;
    expect(event).toMatchObject({ eventKey: 'exact', type: 'runtime.heartbeat', occurredAt: '2026-05-03T14:30:00.123Z', attributes: { runtime: 'r', intervalSeconds: 30 } });
    expect((await readRecent(database, 10 * 365 * 86_400_000, 10, Date.now())).events[0]?.occurredAt).toBe('2026-05-03T14:30:00.123Z');
  });

  it('restores events stored before events.tx existed (an upgrade), and follows only newer ones', async () => {
    await insert(database.db, 'before-upgrade');
    await database.query(sql`update events set tx = null`);
    const restored = await readRecent(database, 6 * 3600_000, 10, Date.now());
    expect(keys(restored)).toEqual(['before-upgrade']);
    expect(keys(await readLog(database, restored.position, 10))).toEqual([]);
  });
});

describe.runIf(realPostgresUrl())('the event log with transactions in flight (real PostgreSQL)', () => {
  let database: TestDatabase;
  let other: postgres.Sql;
  let elsewhere: postgres.Sql;
  let scratch: string;
  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    other = postgres(database.url!, { max: 2, onnotice: () => {} });
    // Another database on the same server, whose transactions must not hold our reader back.
    scratch = `log_scratch_${Date.now()}`;
    const admin = postgres(realPostgresUrl()!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${scratch}`);
    await admin.end();
    const url = new URL(realPostgresUrl()!);
    url.pathname = `/${scratch}`;
    elsewhere = postgres(url.toString(), { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await other?.end();
    await elsewhere?.end();
    const admin = postgres(realPostgresUrl()!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${scratch} with (force)`);
    await admin.end();
    await database?.drop();
  });

  it('does not skip an event whose transaction took its seq first but committed last', async () => {
    let position: LogPosition = (await readLog(database, LOG_START, 100)).position;
    let commitSlow: () => void = () => {};
    const slow = other.begin(async (tx) => {
      await tx`insert into events (source, event_key, type, occurred_at, attributes, known) values ('log-test', 'slow', 'runtime.heartbeat', now(), '{}', true)`;
      await new Promise<void>((resolve) => (commitSlow = resolve));
    });
    await new Promise((r) => setTimeout(r, 100));
    await insert(database.db, 'fast');

    // 'fast' has the higher seq and is committed; 'slow' is not yet: neither may be handed on
    // past the open transaction, or 'slow' would be skipped when it commits.
    const during = await readLog(database, position, 100);
    expect(keys(during)).toEqual([]);
    position = during.position;
    commitSlow();
    await slow;
    const after = await readLog(database, position, 100);
    expect(keys(after).sort()).toEqual(['fast', 'slow']);
    const [order] = await database.query<{ slow_first: boolean }>(sql`select (select seq from events where event_key = 'slow') < (select seq from events where event_key = 'fast') as slow_first`);
    expect(order!.slow_first).toBe(true);
  });

  it('is not held back by a transaction open in another database of the same server', async () => {
    const start = (await readLog(database, LOG_START, 1000)).position;
    let release: () => void = () => {};
    const open = elsewhere.begin(async (tx) => {
      await tx`create table held (id int)`;
      await new Promise<void>((resolve) => (release = resolve));
    });
    await new Promise((r) => setTimeout(r, 100));
    await insert(database.db, 'while-elsewhere-is-open');
    expect(keys(await readLog(database, start, 100))).toEqual(['while-elsewhere-is-open']);
    release();
    await open;
  });
});
