import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from '../../src/db/client.js';
import { lockPathFor } from '../../src/db/pglite-lock.js';

import { createEmptyPostgresDatabase, realPostgresUrl } from '../support/databases.js';
import { freePort, runTriageToExit, spawnTriage, type TriageProcess } from '../support/process.js';

const readyz = async (url: string): Promise<number> => (await fetch(url + '/readyz', { signal: AbortSignal.timeout(5_000) })).status;

/** What each process logged about migrations (src/app.ts, at start-up). */
function migrationLog(process: TriageProcess): { applied: number; total: number } | undefined {
  for (const line of process.output().split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { msg?: string; migrations?: { applied: number; total: number } };
    if (entry.migrations) return entry.migrations;
  }
  return undefined;
}

/** Each scheduled run a process logged (src/jobs/scheduler.ts, at debug level). */
function jobRuns(process: TriageProcess): Array<{ job: string; tick: string }> {
  return process
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('scheduled job ran'))
    .map((line) => JSON.parse(line) as { job: string; tick: string });
}

async function stop(process: TriageProcess): Promise<number | null> {
  if (process.child.exitCode === null && process.child.signalCode === null) process.child.kill('SIGTERM');
  return process.exited;
}

describe.runIf(realPostgresUrl())('replicas starting together on one new PostgreSQL database', () => {
  let db: { url: string; drop(): Promise<void> } | undefined;
  const started: TriageProcess[] = [];
  afterAll(async () => {
    await Promise.all(started.map(stop));
    await db?.drop();
  });

  it('all become ready, exactly one of them applies the migrations, once, and each cron tick runs on one of them', async () => {
    db = await createEmptyPostgresDatabase();
    // Every second, so a few seconds show whether a tick ever runs on two replicas.
    const config = join(mkdtempSync(join(tmpdir(), 'triage-replicas-config-')), 'triage.config.yml');
    writeFileSync(config, 'insights:\n  tickCron: "* * * * * *"\n');
    const env = (i: number) => ({
      DATABASE_URL: db!.url,
      INGEST_TOKEN: 'replicas-ingest-token-0123456789',
      TRIAGE_DATA_DIR: mkdtempSync(join(tmpdir(), `triage-replica-${i}-`)),
      TRIAGE_CONFIG: config,
      LOG_LEVEL: 'debug',
    });
    started.push(...(await Promise.all([0, 1, 2].map((i) => spawnTriage(env(i), 120_000)))));
    for (const replica of started) {
      expect(replica.child.exitCode, replica.output()).toBeNull();
      expect(await readyz(replica.url)).toBe(200);
    }

    const total = readMigrationFiles({ migrationsFolder: migrationsFolder() }).length;
    const logs = started.map(migrationLog);
    expect(logs.map((l) => l?.applied).sort((a, b) => (b ?? -1) - (a ?? -1))).toEqual([total, 0, 0]);
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ hash: string; n: number }[]>`select hash, count(*)::int as n from drizzle.__drizzle_migrations group by hash`;
      expect(rows).toHaveLength(total);
      expect(rows.every((r) => r.n === 1)).toBe(true);
    } finally {
      await sql.end();
    }

    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const runs = started.flatMap((replica, i) => jobRuns(replica).map((run) => ({ ...run, replica: i })));
    const watchdog = runs.filter((r) => r.job === 'actions-watchdog');
    expect(new Set(watchdog.map((r) => r.tick)).size).toBeGreaterThanOrEqual(4);
    const byTick = new Map<string, number>();
    for (const run of runs) byTick.set(`${run.job}@${run.tick}`, (byTick.get(`${run.job}@${run.tick}`) ?? 0) + 1);
    expect([...byTick].filter(([, n]) => n > 1)).toEqual([]);

    for (const replica of started) expect(await stop(replica)).toBe(0);
  }, 240_000); // three tsx start-ups at once on a small shared host
});

describe('two processes on one embedded data directory', () => {
  const started: TriageProcess[] = [];
  afterAll(async () => {
    await Promise.all(started.map(stop));
  });

  it('refuses the second while the first serves, and lets a new one take over after the first crashed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'triage-twice-'));
    const lockFile = lockPathFor(join(dataDir, 'pgdata'));
    const first = await spawnTriage({ TRIAGE_DATA_DIR: dataDir }, 90_000);
    started.push(first);
    expect(await readyz(first.url)).toBe(200);
    expect(readFileSync(lockFile, 'utf8').trim()).toBe(String(first.child.pid));

    const second = await runTriageToExit({ TRIAGE_DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(await freePort()) });
    expect(second.code).toBe(1);
    expect(second.output).toContain(join(dataDir, 'pgdata'));
    expect(second.output).toContain(`pid ${first.child.pid}`);
    expect(second.output).toContain('Stop that process');
    expect(second.output).toContain('DATABASE_URL');
    // The refused process neither touched the lock nor disturbed the first.
    expect(readFileSync(lockFile, 'utf8').trim()).toBe(String(first.child.pid));
    expect(await readyz(first.url)).toBe(200);

    // A crash leaves the lock behind, naming a pid that is gone.
    first.child.kill('SIGKILL');
    await first.exited;
    expect(existsSync(lockFile)).toBe(true);

    const third = await spawnTriage({ TRIAGE_DATA_DIR: dataDir }, 90_000);
    started.push(third);
    expect(third.child.exitCode, third.output()).toBeNull();
    expect(await readyz(third.url)).toBe(200);
    expect(readFileSync(lockFile, 'utf8').trim()).toBe(String(third.child.pid));
    expect(await stop(third)).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
  }, 240_000);
});
