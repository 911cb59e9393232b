import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../support/process.js';

const run = promisify(execFile);
const PGBIN = '/usr/lib/postgresql/15/bin';

export type PrivatePostgres = {
  /** postgres://postgres@127.0.0.1:<port>/triage, no password (trust on loopback). */
  url: string;
  /** Shuts the server down: `fast` ends every session cleanly, `immediate` is a crash (recovery on the next start). */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its data directory. */
  destroy(): Promise<void>;
};

/** Whether this machine can run a PostgreSQL of the test's own: root (to run it as `postgres`) and the server binaries. */
export const canRunPrivatePostgres = (): boolean => process.getuid?.() === 0 && existsSync(join(PGBIN, 'initdb'));

/**
 * A PostgreSQL 15 server that only this test file uses, so it can really be stopped and started
 * while Triage runs on it (the shared test server must never be: other files use it). As
 * scripts/throwaway-postgres.sh does: a data directory under the temp dir, owned by `postgres`,
 * trust auth on loopback, fsync off.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'triage-faults-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  const asPostgres = (bin: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', join(PGBIN, bin), ...args], { timeout: 60_000 });
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=200`;
  const start = async () => void (await asPostgres('pg_ctl', ['-D', data, '-w', '-t', '60', '-l', join(dir, 'log'), '-o', options, 'start']));
  await run('chown', ['postgres', dir]);
  await asPostgres('initdb', ['-D', data, '-A', 'trust', '--no-sync', '-U', 'postgres']);
  await start();
  await asPostgres('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'triage']);
  let destroyed = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/triage`,
    stop: async (mode) => void (await asPostgres('pg_ctl', ['-D', data, '-w', '-t', '60', '-m', mode, 'stop'])),
    start,
    destroy: async () => {
      if (destroyed) return;
      destroyed = true;
      await asPostgres('pg_ctl', ['-D', data, '-w', '-m', 'immediate', 'stop']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
