import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogFollower, type LogFollower } from '../../src/cluster/log-follower.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { LOG_START } from '../../src/events/log.js';
import { createEventWriter, type StoredEvent } from '../../src/intake/event-writer.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';

const event = (id: string) => ({ id, type: 'runtime.heartbeat', source: 'follower-test', occurredAt: new Date().toISOString(), attributes: { runtime: 'r', intervalSeconds: 30 }, known: true });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The leader's follower (src/cluster/log-follower.ts): its own writes are handed on at commit,
 * everyone else's come from the log, and each event is handed on exactly once.
 */
describe.each(databaseKinds())('the log follower on %s', (kind) => {
  let database: TestDatabase;
  let otherReplica: Database;
  let follower: LogFollower | undefined;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    // On PGlite there is one process: "another replica" writes through the same database.
    otherReplica = kind === 'postgres' ? await openDatabase({ kind: 'postgres', url: database.url!, maxConnections: 2 }) : database;
  });
  afterAll(async () => {
    if (otherReplica !== database) await otherReplica?.close();
    await database?.drop();
  });
  beforeEach(async () => {
    await follower?.stop();
    await database.query(sql`truncate events`);
  });

  const follow = () => {
    const handed: StoredEvent[][] = [];
    follower = createLogFollower({ database, from: LOG_START, consume: (events) => void handed.push(events), isCurrent: () => true, logger: pino({ level: 'silent' }), pollMs: 50 });
    const ids = () => handed.flat().map((e) => e.eventKey).sort();
    return { handed, ids };
  };

  it('hands its own writes on at commit, others’ from the log, and none twice', async () => {
    const { handed, ids } = follow();
    const mine = createEventWriter(database, { maxRowsPerFlush: 500 });
    mine.onStored((events, tx) => follower!.local(events, tx));
    await mine.write([event('mine-1'), event('mine-2')] as never);
    // At commit, before any poll could have read it.
    expect(handed.flat().map((e) => e.eventKey)).toEqual(['mine-1', 'mine-2']);

    await createEventWriter(otherReplica, { maxRowsPerFlush: 500 }).write([event('theirs-1')] as never);
    await follower!.settle();
    await sleep(200);
    await follower!.settle();
    expect(ids()).toEqual(['mine-1', 'mine-2', 'theirs-1']);
  });

  it('drops a local hand-off for a transaction the log has already read', async () => {
    const { ids } = follow();
    const late: Array<{ events: StoredEvent[]; tx: number }> = [];
    const mine = createEventWriter(database, { maxRowsPerFlush: 500 });
    mine.onStored((events, tx) => void late.push({ events, tx }));
    await mine.write([event('late-1')] as never);
    await follower!.settle();
    expect(ids()).toEqual(['late-1']);
    for (const { events, tx } of late) follower!.local(events, tx);
    expect(ids()).toEqual(['late-1']);
  });
});
