import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsFolder, openDatabase, type Database } from '../../src/db/client.js';
import { createEmptyPostgresDatabase, databaseKinds, openTestDatabase, realPostgresUrl, type TestDatabase } from '../support/databases.js';


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const migrationFiles = () => readMigrationFiles({ migrationsFolder: migrationsFolder() }).length;

/** Resolves with the first payload `listen` hands over, or rejects after `ms`. */
function nextPayload(payloads: string[], ms = 5_000): Promise<string> {
  const seen = payloads.length;
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (payloads.length > seen) return resolve(payloads[seen]!);
      if (Date.now() > deadline) return reject(new Error(`no notification within ${ms} ms`));
      setTimeout(check, 10);
    };
    check();
  });
}

describe.runIf(realPostgresUrl())('PostgreSQL pool timeouts', () => {
  let database: TestDatabase;
  const extra: Database[] = [];
  beforeAll(async () => {
    database = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    await Promise.all(extra.map((d) => d.close()));
    await database?.drop();
  });
  const open = async (options: { statementTimeoutMs?: number; idleInTransactionTimeoutMs?: number; maxConnections?: number }) => {
    const opened = await openDatabase({ kind: 'postgres', url: database.url!, maxConnections: 3, ...options });
    extra.push(opened);
    return opened;
  };

  it('sets a 30 s statement timeout and a 10 s idle-in-transaction timeout on every pooled connection', async () => {
    expect(await database.query(sql`show statement_timeout`)).toEqual([{ statement_timeout: '30s' }]);
    expect(await database.query(sql`show idle_in_transaction_session_timeout`)).toEqual([{ idle_in_transaction_session_timeout: '10s' }]);
    // Overlapping statements take several pooled connections; each was opened with the parameters.
    const rows = await Promise.all(
      Array.from({ length: 4 }, () =>
        database.query<{ pid: number; statement: string; idle: string }>(sql`
          select pg_backend_pid() as pid, current_setting('statement_timeout') as statement,
                 current_setting('idle_in_transaction_session_timeout') as idle
          from pg_sleep(0.2)`),
      ),
    );
    expect(new Set(rows.map(([r]) => r!.pid)).size).toBeGreaterThan(1);
    expect(new Set(rows.map(([r]) => `${r!.statement}/${r!.idle}`))).toEqual(new Set(['30s/10s']));
  });

  it('takes the timeouts from DatabaseOptions; 0 turns one off', async () => {
    const custom = await open({ statementTimeoutMs: 1_500, idleInTransactionTimeoutMs: 0 });
    expect(await custom.query(sql`select current_setting('statement_timeout') as s, current_setting('idle_in_transaction_session_timeout') as i`)).toEqual([
      { s: '1500ms', i: '0' },
    ]);
  });

  it('cancels a statement that runs past the statement timeout', async () => {
    const short = await open({ statementTimeoutMs: 200 });
    await expect(short.query(sql`select pg_sleep(3)`)).rejects.toMatchObject({ cause: { code: '57014' } });
    expect(await short.query(sql`select 1 as one`)).toEqual([{ one: 1 }]);
  });

  it('ends a transaction left idle past the limit, freeing its row locks for the others', async () => {
    await database.query(sql`create table frozen_rows (id int primary key, holder text)`);
    await database.query(sql`insert into frozen_rows values (1, 'nobody')`);
    const frozen = await open({ idleInTransactionTimeoutMs: 300 });
    let lockTaken!: () => void;
    const locked = new Promise<void>((resolve) => (lockTaken = resolve));
    // A replica that takes a row lock and then stops (a paused VM) before its next statement.
    const stuck = frozen.db.transaction(async (tx) => {
      await tx.execute(sql`select * from frozen_rows where id = 1 for update`);
      lockTaken();
      await sleep(1_500);
      await tx.execute(sql`update frozen_rows set holder = 'frozen' where id = 1`);
    });
    const stuckOutcome = stuck.then(
      () => 'committed',
      (error: unknown) => error,
    );
    await locked;
    const started = Date.now();
    await database.query(sql`update frozen_rows set holder = 'taker' where id = 1`);
    // The server ended the frozen session after ~300 ms, not when the frozen replica woke up.
    expect(Date.now() - started).toBeLessThan(1_200);
    expect(await stuckOutcome).toBeInstanceOf(Error);
    expect(await database.query(sql`select holder from frozen_rows`)).toEqual([{ holder: 'taker' }]);
    // The pool replaces the ended connection.
    expect(await frozen.query(sql`select 1 as one`)).toEqual([{ one: 1 }]);
  });
});

describe.each(databaseKinds())('notifications on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());

  it('delivers a payload to a listener, this process included, until it unlistens', async () => {
    const payloads: string[] = [];
    const unlisten = await database.listen('triage_test_channel', (payload) => payloads.push(payload));
    const first = nextPayload(payloads);
    await database.notify('triage_test_channel', '{"id":"7"}');
    expect(await first).toBe('{"id":"7"}');
    await unlisten();
    await database.notify('triage_test_channel', 'after');
    await sleep(200);
    expect(payloads).toEqual(['{"id":"7"}']);
  });

  it('refuses a channel name the two engines would spell differently', async () => {
    await expect(database.notify('Mixed', 'x')).rejects.toThrow(RangeError);
    await expect(database.listen('has space', () => {})).rejects.toThrow(RangeError);
  });
});

describe.runIf(realPostgresUrl())('notifications across PostgreSQL pools', () => {
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

  it("reaches another replica's listener", async () => {
    const payloads: string[] = [];
    const unlisten = await other.listen('triage_cross', (payload) => payloads.push(payload));
    const got = nextPayload(payloads);
    await database.notify('triage_cross', 'from A');
    expect(await got).toBe('from A');
    await unlisten();
  });

  it('says when the listening connection came back, and keeps delivering after it', async () => {
    const payloads: string[] = [];
    let reconnects = 0;
    const unlisten = await other.listen('triage_reconnect', (payload) => payloads.push(payload), { onReconnect: () => reconnects++ });
    const [killed] = await database.query<{ n: number }>(sql`
      select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
      where datname = current_database() and query ilike 'listen%triage_reconnect%'`);
    expect(killed!.n).toBe(1);
    const deadline = Date.now() + 10_000;
    while (reconnects === 0 && Date.now() < deadline) await sleep(50);
    expect(reconnects).toBe(1);
    const got = nextPayload(payloads);
    await database.notify('triage_reconnect', 'after the drop');
    expect(await got).toBe('after the drop');
    await unlisten();
    await database.notify('triage_reconnect', 'after unlisten');
    await sleep(200);
    expect(payloads).toEqual(['after the drop']);
  });
});

describe.runIf(realPostgresUrl())('migrations when replicas start together', () => {
  let fresh: { url: string; drop(): Promise<void> };
  const opened: Database[] = [];
  beforeAll(async () => {
    fresh = await createEmptyPostgresDatabase();
  });
  afterAll(async () => {
    await Promise.all(opened.map((d) => d.close()));
    await fresh?.drop();
  });

  it('are applied by exactly one; the others wait and find the schema current', async () => {
    for (let i = 0; i < 4; i++) opened.push(await openDatabase({ kind: 'postgres', url: fresh.url, maxConnections: 2 }));
    const runs = await Promise.all(opened.map((d) => d.migrate()));
    const total = migrationFiles();
    expect(runs.map((r) => r.applied).sort((a, b) => b - a)).toEqual([total, 0, 0, 0]);
    expect(runs.every((r) => r.total === total)).toBe(true);
    expect(await opened[0]!.query(sql`select count(*)::int as n from drizzle.__drizzle_migrations`)).toEqual([{ n: total }]);
    expect(await opened[1]!.migrationStatus()).toEqual({ applied: total, expected: total });
    // The lock went with its dedicated connection: nobody holds it, and no migration connection lingers.
    expect(await opened[0]!.query(sql`select count(*)::int as n from pg_locks where locktype = 'advisory'`)).toEqual([{ n: 0 }]);
    expect(await opened[0]!.query(sql`select count(*)::int as n from pg_stat_activity where application_name = 'triage-migrate'`)).toEqual([{ n: 0 }]);
    expect(await opened[2]!.migrate()).toEqual({ applied: 0, total });
  });
});

describe('migrations on PGlite', () => {
  it('say how many this process applied', async () => {
    const database = await openDatabase({ kind: 'pglite' });
    try {
      const total = migrationFiles();
      expect(await database.migrate()).toEqual({ applied: total, total });
      expect(await database.migrate()).toEqual({ applied: 0, total });
    } finally {
      await database.close();
    }
  });
});
