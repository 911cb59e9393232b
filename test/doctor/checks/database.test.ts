import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/client.js';
import type { CheckContext } from '../../../src/doctor/check.js';
import { databaseCheck } from '../../../src/doctor/checks/database.js';
import { reasonOf } from '../../../src/db/error-reason.js';
import { headroomOf } from '../../../src/doctor/checks/database-headroom.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../../support/databases.js';

const ctx = (): CheckContext => ({ signal: new AbortController().signal, now: new Date() });

describe.each(databaseKinds())('Database integrity (%s)', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('passes on a migrated database that takes a write, and names the migrations', async () => {
    const check = databaseCheck({ database });
    expect(check).toMatchObject({ section: 'db', name: 'Database integrity' });
    const finding = await check.run(ctx());
    const { applied, expected } = await database.migrationStatus();
    expect(finding).toMatchObject({ status: 'pass', actions: [] });
    expect(finding.details).toContain(`${applied} of ${expected} migrations applied`);
    expect(finding.details).toContain('read and write round trip ok');
  });

  it('leaves nothing behind from its write probe', async () => {
    const tables = async () =>
      database.query<{ n: number }>(sql`select count(*)::int as n from pg_class where relname like 'triage_doctor%'`);
    await databaseCheck({ database }).run(ctx());
    await databaseCheck({ database }).run(ctx());
    expect((await tables())[0]?.n).toBe(0);
  });

  it.runIf(kind === 'postgres')('shows the connection headroom with its numbers on PostgreSQL', async () => {
    const finding = await databaseCheck({ database }).run(ctx());
    const line = finding.details.find((d) => d.startsWith('connections:'));
    expect(line).toMatch(/^connections: \d+ of \d+ in use \(\d+%\)$/);
    const [max] = await database.query<{ max: string }>(sql`select current_setting('max_connections') as max`);
    expect(line).toContain(`of ${max!.max} in use`);
  });

  it('fails with the number of migrations not applied', async () => {
    const behind = await openTestDatabase(kind);
    try {
      await behind.query(sql`delete from drizzle.__drizzle_migrations where id in (select id from drizzle.__drizzle_migrations order by id desc limit 2)`);
      const finding = await databaseCheck({ database: behind }).run(ctx());
      expect(finding).toMatchObject({ status: 'fail', summary: '2 migrations not applied' });
      expect(finding.actions).toEqual([{ kind: 'database_unreachable', text: expect.stringMatching(/migrations/), buttons: [] }]);
    } finally {
      await behind.drop();
    }
  });

  it('fails with the reason when the database is closed', async () => {
    const closed = await openTestDatabase(kind);
    await closed.close();
    try {
      const finding = await databaseCheck({ database: closed }).run(ctx());
      expect(finding.status).toBe('fail');
      expect(finding.summary).toMatch(/^unreachable: \S+/);
      expect(finding.actions).toEqual([{ kind: 'database_unreachable', text: "Restore Triage's database connection", buttons: [] }]);
      if (closed.url) expect(JSON.stringify(finding)).not.toContain(closed.url);
    } finally {
      await closed.drop().catch(() => {});
    }
  });
});

describe('Database integrity without a server', () => {
  it('fails on a refused connection without quoting the URL or its password', async () => {
    const database = await openDatabase({ kind: 'postgres', url: 'postgres://triage:s3cret-pw@127.0.0.1:1/triage' });
    try {
      const finding = await databaseCheck({ database }).run(ctx());
      expect(finding).toMatchObject({ status: 'fail', summary: expect.stringMatching(/^unreachable: .*ECONNREFUSED/) });
      expect(JSON.stringify(finding)).not.toContain('s3cret-pw');
    } finally {
      await database.close();
    }
  });

  it('warns above 80% of connections in use', () => {
    expect(headroomOf(80, 100)).toMatchObject({ crowded: false, percent: 80 });
    expect(headroomOf(81, 100)).toMatchObject({ crowded: true, percent: 81 });
  });

  it('keeps connection strings and passwords out of reasons', () => {
    expect(reasonOf(new Error('cannot reach postgres://u:pw@db:5432/x now'))).toBe('cannot reach <url> now');
    expect(reasonOf(new Error('bad host=db password=hunter2'))).toBe('bad host=db password=***');
  });
});
