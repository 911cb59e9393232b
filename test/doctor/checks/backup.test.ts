import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { events } from '../../../src/db/schema/events.js';
import type { CheckContext } from '../../../src/doctor/check.js';
import { humanAge } from '../../../src/doctor/checks/backup-age.js';
import { backupCheck } from '../../../src/doctor/checks/backup.js';
import { DoctorConfig } from '../../../src/doctor/config.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../../support/databases.js';

const NOW = new Date('2026-05-03T15:00:00Z');
const HOUR = 3_600_000;
const ctx = (): CheckContext => ({ signal: new AbortController().signal, now: NOW });
const backupConfig = (backup: Record<string, unknown> = {}) => DoctorConfig.parse({ backup }).backup;

describe('Recovery readiness from backup files', () => {
  let database: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
  });
  afterAll(async () => {
    await database?.drop();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'triage-backups-'));
    return () => rm(dir, { recursive: true, force: true });
  });

  /** A file whose modification time is `hoursAgo` before NOW. */
  async function file(name: string, hoursAgo: number): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, 'dump');
    const at = new Date(NOW.getTime() - hoursAgo * HOUR);
    await utimes(path, at, at);
    return path;
  }
  const run = (path: string, extra: Record<string, unknown> = {}) =>
    backupCheck({ database, config: backupConfig({ path, ...extra }) }).run(ctx());

  it('passes with the age of the newest file in the directory', async () => {
    await file('db-2026-04-28.dump', 5 * 24);
    const fresh = await file('db-2026-05-03.dump', 1);
    const check = backupCheck({ database, config: backupConfig({ path: dir }) });
    expect(check).toMatchObject({ section: 'backup', name: 'Recovery readiness' });
    const finding = await check.run(ctx());
    expect(finding).toMatchObject({ status: 'pass', summary: 'backup: 1 hour ago', actions: [] });
    expect(finding.details.join('\n')).toContain(fresh);
  });

  it('warns past warnAfterHours and fails past failAfterHours, asking for a backup run', async () => {
    await file('db.dump', 30);
    const warned = await run(dir);
    expect(warned).toMatchObject({ status: 'warning', summary: 'backup: 30 hours ago' });
    expect(warned.details).toContain('older than 24 hours');
    expect(warned.actions).toEqual([{ kind: 'probe_failing', text: 'Run a backup and check the backup job', buttons: [] }]);

    const failed = await run(dir, { warnAfterHours: 6, failAfterHours: 12 });
    expect(failed).toMatchObject({ status: 'fail', summary: 'backup: 30 hours ago' });
    expect(failed.details).toContain('older than 12 hours');
  });

  it('follows a glob: only matching files count', async () => {
    await file('triage.log', 0.1);
    await file('db-01.dump', 2);
    await file('db-02.dump', 50);
    expect(await run(join(dir, '*.dump'))).toMatchObject({ status: 'pass', summary: 'backup: 2 hours ago' });
    expect(await run(join(dir, 'db-0?.dump'))).toMatchObject({ summary: 'backup: 2 hours ago' });
    expect(await run(join(dir, '*.tar.gz'))).toMatchObject({ status: 'fail', summary: `no backup found matching ${join(dir, '*.tar.gz')}` });
  });

  it('ignores an in-progress dotfile and subdirectories', async () => {
    await file('db.dump', 80);
    await file('.db.dump.partial', 0);
    await mkdir(join(dir, 'fresh-subdir'));
    expect(await run(dir)).toMatchObject({ status: 'fail', summary: 'backup: 3 days ago' });
  });

  it('fails on an empty directory', async () => {
    const finding = await run(dir);
    expect(finding).toMatchObject({ status: 'fail', summary: `no backup found in ${dir}` });
    expect(finding.actions[0]?.kind).toBe('probe_failing');
  });

  it('fails saying so when the location does not exist', async () => {
    const missing = join(dir, 'nope');
    expect(await run(missing)).toMatchObject({ status: 'fail', summary: `${missing} does not exist` });
    expect(await run(join(missing, '*.dump'))).toMatchObject({ status: 'fail', summary: `${missing} does not exist` });
  });
});

describe.each(oneDatabaseKind())('Recovery readiness from backup.completed events (%s)', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  const completed = (target: string, hoursAgo: number) =>
    database.db.insert(events).values({
      source: 'backup-job',
      eventKey: randomUUID(),
      type: 'backup.completed',
      occurredAt: new Date(NOW.getTime() - hoursAgo * HOUR),
      attributes: { target },
      known: true,
    });

  it('with no path and no backup.completed event, warns naming the line to add; then passes with the newest event', async () => {
    const check = backupCheck({ database, config: backupConfig() });
    const unconfigured = await check.run(ctx());
    expect(unconfigured).toMatchObject({ status: 'warning', summary: 'no backup source configured' });
    expect(unconfigured.details).toEqual([
      'add to triage.config.yml under doctor: backup: { path: "/var/backups/agents/*.dump" }',
      'or have the backup job send backup.completed events to POST /v1/events',
    ]);
    expect(unconfigured.actions.map((a) => a.text)).toEqual(['Configure backup source: doctor.backup: { path: "/var/backups/agents/*.dump" } in triage.config.yml']);

    await completed('pg-main', 26);
    await completed('pg-main', 3);
    const finding = await check.run(ctx());
    expect(finding).toMatchObject({ status: 'pass', summary: 'backup: 3 hours ago' });
    expect(finding.details[0]).toContain('backup.completed for pg-main');
  });
});

describe('backup ages in words', () => {
  it('reads like the seed report', () => {
    expect(humanAge(20_000)).toBe('just now');
    expect(humanAge(60_000)).toBe('1 minute ago');
    expect(humanAge(45 * 60_000)).toBe('45 minutes ago');
    expect(humanAge(HOUR)).toBe('1 hour ago');
    expect(humanAge(47 * HOUR)).toBe('47 hours ago');
    expect(humanAge(49 * HOUR)).toBe('2 days ago');
  });
});
