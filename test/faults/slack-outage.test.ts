import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { databaseKinds, realPostgresUrl } from '../support/databases.js';
import { spawnTriage } from '../support/process.js';
import { stopAll } from '../support/replicas.js';
import { reportFaultRun } from './support/slack-outage-report.js';
import { cleanRun, faultRun, prepareDatabase, removeTemplate, type CleanRun, type DatabaseTarget, type Settings } from './support/slack-outage-run.js';

/**
 * Slack answers 429 and 5xx during the seed scenario, then Triage is SIGKILLed while the backlog
 * drains and restarted on the same data: no card of a clean run is lost (docs/architecture.md,
 * invariant 6), only the post in flight at the kill may appear twice, every card ends in its
 * latest version, and the Restart pressed before the kill is carried out once ("Exactly-once
 * platform actions"). The outage is shortened here, with Retry-After, the outbox's pacing and lease and
 * the Restart's deadline scaled to match; bench/faults/slack-outage.ts runs the full 60 seconds
 * with the defaults.
 */
const OUTAGE_MS = Number(process.env.FAULT_SLACK_OUTAGE_MS ?? 9_000);
const RETRY_AFTER_S = Number(process.env.FAULT_SLACK_RETRY_AFTER_S ?? Math.max(1, Math.round(OUTAGE_MS / 10_000)));

const settings: Settings = {
  outageMs: OUTAGE_MS,
  retryAfterS: RETRY_AFTER_S,
  drainTimeoutMs: 45_000 + OUTAGE_MS,
  config: `
insights:
  tickCron: '* * * * * *'
outbox:
  channelPostIntervalMs: 400
  workspaceUpdateIntervalMs: 400
  minUpdateIntervalMs: 800
  leaseMs: 8000
  deliveryTimeoutMs: 6000
actions:
  platformTimeoutMs: 2000
  platformAttempts: 1
  heartbeatTimeoutSeconds: 3
simulator:
  restartHeartbeatDelayMs: 500
`,
};

/** Every file under a data directory and its content, except the pid file an open attempt rewrites. */
function digest(dir: string): string {
  const hash = createHash('sha256');
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== 'postmaster.pid')
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const file of files) hash.update(file).update(readFileSync(file));
  return hash.digest('hex');
}

describe.concurrent('Slack out, then Triage SIGKILLed while the backlog drains (real processes)', () => {
  const targets: DatabaseTarget[] = [];
  const prepare = async (kind: DatabaseTarget['kind'], fromTemplate = true) => {
    const target = await prepareDatabase(kind, { fromTemplate });
    targets.push(target);
    return target;
  };
  let clean: Promise<CleanRun>;
  beforeAll(() => {
    // The yardstick runs beside the fault runs, on PostgreSQL when there is one (cheaper to boot
    // than a second PGlite on 2 cores; the same scenario posts the same cards on either).
    clean = prepare(realPostgresUrl() ? 'postgres' : 'pglite').then((target) => cleanRun(target, settings));
    clean.catch(() => undefined); // awaited, and reported, by each test
  });
  afterAll(async () => {
    await removeTemplate();
    for (const target of targets) {
      await target.drop();
      rmSync(target.dataDir, { recursive: true, force: true });
    }
  });

  it.each(databaseKinds())('%s: no card lost, only the post in flight at the kill doubled, the Restart carried out once', async (kind) => {
    // The embedded default as Triage creates it on its first start.
    const run = await faultRun(await prepare(kind, false), settings);
    const report = reportFaultRun(settings, await clean, run);
    console.log(`[slack-outage ${kind}] injected: ${report.injected}`);
    console.log(`[slack-outage ${kind}] held: ${report.held}`);
    expect(report.claims.filter((c) => !c.held).map((c) => c.claim)).toEqual([]);
  }, 150_000 + 3 * OUTAGE_MS);

  it('PGlite data that cannot be opened after a crash: Triage exits naming the directory and the recovery step, never starts empty', async () => {
    const tag = '[slack-outage pglite-damaged]';
    const damaged = await prepare('pglite');
    const pgdata = join(damaged.dataDir, 'pgdata');
    writeFileSync(join(pgdata, 'global', 'pg_control'), Buffer.alloc(8192));
    const before = digest(pgdata);
    const triage = await spawnTriage({ TRIAGE_DATA_DIR: damaged.dataDir, INGEST_TOKEN: 'fault-ingest-token-0123456789' }, 90_000);
    const started = triage.child.exitCode === null;
    if (started) await stopAll([triage]);
    const code = await triage.exited;
    const said = /cannot be opened[^\n]*/.exec(triage.output())?.[0] ?? triage.output().slice(-300);
    console.log(`${tag} injected: the control file of a stopped Triage's ${pgdata} zeroed, then Triage started on it`);
    console.log(`${tag} held: ${started ? 'IT STARTED' : `exit ${code}`}, files ${digest(pgdata) === before ? 'unchanged' : 'CHANGED'}: ${said}`);
    expect(started, triage.output().slice(-2_000)).toBe(false);
    expect(code).not.toBe(0);
    expect(triage.output()).toContain(`The embedded database in ${pgdata} cannot be opened`);
    expect(said).toMatch(new RegExp(`restore ${pgdata} from a backup, or move it aside`));
    expect(digest(pgdata)).toBe(before);

    // A directory with files but no PG_VERSION is one PGlite would run initdb over: refused before it can.
    const emptied = await prepare('pglite');
    const files = join(emptied.dataDir, 'pgdata');
    unlinkSync(join(files, 'PG_VERSION'));
    const kept = digest(files);
    const refused = await openDatabase({ kind: 'pglite', dataDir: files }).then(
      async (db) => (await db.close(), 'opened'),
      (error: Error) => error.message,
    );
    console.log(`${tag} injected: PG_VERSION removed from ${files}; held: ${refused.slice(0, 160)}…`);
    expect(refused).toMatch(/no PG_VERSION, so PGlite would create a new, empty database over them.*move it aside/);
    expect(digest(files)).toBe(kept);
  }, 120_000);
});
