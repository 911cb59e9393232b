import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { holdsLease, leaseState, release, renew, tryAcquire } from '../../src/cluster/lease.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { databaseKinds, openTestDatabase, realPostgresUrl, type TestDatabase } from '../support/databases.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(databaseKinds())('leases on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => {
    await database.query(sql`truncate leases`);
  });

  it('goes to one holder at a time; its holder extends it without a new epoch', async () => {
    const a = await tryAcquire(database.db, 'evaluator', 'a', 5_000);
    expect(a).toEqual({ name: 'evaluator', holder: 'a', epoch: 1 });
    expect(await tryAcquire(database.db, 'evaluator', 'b', 5_000)).toBeUndefined();
    expect(await tryAcquire(database.db, 'evaluator', 'a', 5_000)).toEqual(a);
    expect(await renew(database.db, a!, 5_000)).toBe(true);
    expect(await leaseState(database, 'evaluator')).toMatchObject({ holder: 'a', epoch: 1 });
  });

  it('passes to another holder once expired, with the next epoch; the old tenure can neither renew nor write', async () => {
    const a = (await tryAcquire(database.db, 'evaluator', 'a', 150))!;
    await sleep(250);
    const b = await tryAcquire(database.db, 'evaluator', 'b', 5_000);
    expect(b).toEqual({ name: 'evaluator', holder: 'b', epoch: 2 });
    expect(await renew(database.db, a, 5_000)).toBe(false);
    expect(await holdsLease(database.db, a)).toBe(false);
    expect(await holdsLease(database.db, b!)).toBe(true);
    // Coming back after its own expiry is a new tenure: writes fenced with the old epoch stay refused.
    await release(database.db, b!);
    const again = (await tryAcquire(database.db, 'evaluator', 'a', 5_000))!;
    expect(again.epoch).toBe(3);
    expect(await holdsLease(database.db, a)).toBe(false);
  });

  it('is free at once after release: a successor does not wait for the expiry', async () => {
    const a = (await tryAcquire(database.db, 'evaluator', 'a', 60_000))!;
    await release(database.db, a);
    expect(await tryAcquire(database.db, 'evaluator', 'b', 60_000)).toMatchObject({ holder: 'b', epoch: 2 });
  });
});

describe.runIf(realPostgresUrl())('fencing on real PostgreSQL', () => {
  let database: TestDatabase;
  let other: Database;
  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    other = await openDatabase({ kind: 'postgres', url: database.url!, maxConnections: 2 });
  });
  afterAll(async () => {
    await other?.close();
    await database?.drop();
  });

  it('a takeover waits for the holder’s write in progress, and a write that starts after it is refused', async () => {
    const a = (await tryAcquire(database.db, 'fenced', 'a', 200))!;
    let releaseWrite: () => void = () => {};
    const writing = database.db.transaction(async (tx) => {
      expect(await holdsLease(tx, a)).toBe(true);
      await new Promise<void>((resolve) => (releaseWrite = resolve));
      await tx.execute(sql`insert into log_cursors (name, tx, seq, updated_at) values ('written-by-a', 0, 0, now())`);
    });
    await sleep(400); // a's lease has expired, but its write is still open
    const takeover = tryAcquire(other.db, 'fenced', 'b', 5_000);
    const settled = await Promise.race([takeover.then(() => 'took'), sleep(300).then(() => 'waiting')]);
    expect(settled).toBe('waiting');
    releaseWrite();
    await writing;
    expect(await takeover).toMatchObject({ holder: 'b', epoch: 2 });

    const late = await database.db.transaction(async (tx) => holdsLease(tx, a));
    expect(late).toBe(false);
  });

  it('a taker that waited behind the holder’s write judges the expiry when it gets the row, and gets a whole lease', async () => {
    const a = (await tryAcquire(database.db, 'waited', 'a', 800))!;
    let releaseWrite: () => void = () => {};
    const writing = database.db.transaction(async (tx) => {
      expect(await holdsLease(tx, a)).toBe(true);
      await new Promise<void>((resolve) => (releaseWrite = resolve));
    });
    await sleep(100);
    // Asked while a's lease still runs; the row is locked until a's write ends, after the expiry.
    const takeover = tryAcquire(other.db, 'waited', 'b', 5_000);
    await sleep(1_200);
    releaseWrite();
    await writing;
    expect(await takeover).toMatchObject({ holder: 'b', epoch: 2 });
    const [row] = await database.query<{ left_ms: number }>(sql`select extract(epoch from expires_at - clock_timestamp()) * 1000 as left_ms from leases where name = 'waited'`);
    expect(Number(row!.left_ms)).toBeGreaterThan(4_000);
  });
});
