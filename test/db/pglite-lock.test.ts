import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { packageRoot } from '../../src/paths.js';
import { DataDirInUseError, lockDataDir, lockPathFor } from '../../src/db/pglite-lock.js';

const dataDirIn = () => join(mkdtempSync(join(tmpdir(), 'triage-lock-')), 'pgdata');

/** A process that stays up until killed: a live holder that is not this one. */
function idleProcess() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { pid: child.pid!, stop: async () => (child.kill('SIGKILL'), exited) };
}

/** The pid of a process that has exited: a holder that crashed. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('the PGlite data directory lock', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('lets one open of a directory in, refuses a second, and is gone after close', async () => {
    const dataDir = dataDirIn();
    const first = await openDatabase({ kind: 'pglite', dataDir });
    try {
      expect(readFileSync(lockPathFor(dataDir), 'utf8').trim()).toBe(String(process.pid));
      await expect(openDatabase({ kind: 'pglite', dataDir })).rejects.toThrow(/already open in this process/);
    } finally {
      await first.close();
    }
    expect(existsSync(lockPathFor(dataDir))).toBe(false);
    const again = await openDatabase({ kind: 'pglite', dataDir });
    await again.close();
  });

  it('refuses while another live process holds it, naming the directory, the pid and what to do', async () => {
    const dataDir = dataDirIn();
    const holder = idleProcess();
    cleanups.push(holder.stop);
    writeFileSync(lockPathFor(dataDir), `${holder.pid}\n`);
    let refused: unknown;
    try {
      lockDataDir(dataDir);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(DataDirInUseError);
    const message = (refused as Error).message;
    expect(message).toContain(dataDir);
    expect(message).toContain(`pid ${holder.pid}`);
    expect(message).toContain('Stop that process');
    expect(message).toContain('DATABASE_URL');
    // The holder's file is left alone.
    expect(readFileSync(lockPathFor(dataDir), 'utf8').trim()).toBe(String(holder.pid));

    await holder.stop();
    const lock = lockDataDir(dataDir);
    expect(readFileSync(lock.path, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it("takes over a crashed holder's lock, an earlier run's under this same pid, and an unreadable one", async () => {
    for (const leftover of [`${await deadPid()}\n`, `${process.pid}\n`, '', 'not a pid']) {
      const dataDir = dataDirIn();
      writeFileSync(lockPathFor(dataDir), leftover);
      const lock = lockDataDir(dataDir);
      expect(readFileSync(lock.path, 'utf8').trim()).toBe(String(process.pid));
      lock.release();
      expect(existsSync(lock.path)).toBe(false);
    }
  });

  it('lets exactly one of several processes racing over a stale lock take it', async () => {
    const dataDir = dataDirIn();
    writeFileSync(lockPathFor(dataDir), `${await deadPid()}\n`);
    const startAt = Date.now() + 4_000;
    // Each racer waits for the same instant, tries once, and holds what it got until told to exit.
    const script = `
      import { lockDataDir } from ${JSON.stringify(join(packageRoot(), 'src/db/pglite-lock.ts'))};
      while (Date.now() < ${startAt}) {}
      try { lockDataDir(${JSON.stringify(dataDir)}); console.log('won'); } catch (e) { console.log(e.name); }
      setTimeout(() => process.exit(0), 2000);`;
    const racers = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: packageRoot(), stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      return new Promise<string>((resolve) => child.on('exit', () => resolve(out.trim())));
    });
    const outcomes = await Promise.all(racers);
    expect(outcomes.sort()).toEqual(['DataDirInUseError', 'DataDirInUseError', 'DataDirInUseError', 'won']);
  }, 30_000);

  it('never removes a lock that another process took over from it', () => {
    const dataDir = dataDirIn();
    const lock = lockDataDir(dataDir);
    writeFileSync(lock.path, '999999999\n');
    lock.release();
    expect(readFileSync(lock.path, 'utf8')).toBe('999999999\n');
  });

  it('opens a directory whose parents do not exist yet', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'triage-lock-')), 'not', 'yet', 'pgdata');
    const database = await openDatabase({ kind: 'pglite', dataDir });
    expect(existsSync(lockPathFor(dataDir))).toBe(true);
    await database.close();
  });

  it('is not taken for an in-memory database', async () => {
    const a = await openDatabase({ kind: 'pglite' });
    const b = await openDatabase({ kind: 'pglite' });
    await Promise.all([a.close(), b.close()]);
  });
});
