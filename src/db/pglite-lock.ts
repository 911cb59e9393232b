import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * One process per PGlite data directory. PGlite is PostgreSQL in single-user mode inside this
 * process: it takes no lock of its own, so a second process opening the same directory would
 * write the same files under the first one and corrupt the database.
 *
 * The lock is a file beside the directory, `<dataDir>.lock` (for Triage: `<TRIAGE_DATA_DIR>/pgdata.lock`),
 * not inside it: the directory's contents belong to PGlite (initdb expects to fill an empty one),
 * and a copy or backup of the directory then never carries a lock with it. Named after the
 * directory rather than a fixed name in its parent, so two data directories side by side (tests
 * do this) have two locks.
 *
 * The file holds the holder's pid. It is created with `wx` (O_CREAT|O_EXCL: exactly one creator
 * wins); a lock whose pid is no longer running is left from a crash and is taken over.
 */
export type DataDirLock = { path: string; release(): void };

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly lockPath: string,
  ) {
    super(
      pid === process.pid
        ? `The embedded database in ${dataDir} is already open in this process (pid ${pid}): close it before opening it again.`
        : `The embedded database in ${dataDir} is in use by another Triage process (pid ${pid}); two processes ` +
            `on one PGlite directory would corrupt it. Stop that process first, or give this one its own ` +
            `TRIAGE_DATA_DIR; to run several replicas, set DATABASE_URL so they share PostgreSQL. ` +
            `(If pid ${pid} is not Triage, a crashed Triage left ${lockPath} behind: delete it.)`,
    );
    this.name = 'DataDirInUseError';
  }
}

/** Directories this process holds: a pid check cannot tell "me, now" from "me, an earlier run". */
const heldHere = new Set<string>();

export const lockPathFor = (dataDir: string): string => `${resolve(dataDir)}.lock`;

export function lockDataDir(dataDir: string): DataDirLock {
  const dir = resolve(dataDir);
  const path = lockPathFor(dir);
  if (heldHere.has(dir)) throw new DataDirInUseError(dir, process.pid, path);
  // Rounds: each lost race (someone else created the file, or is taking a stale one over) is re-examined.
  for (let attempt = 0; attempt < 20; attempt++) {
    if (tryCreate(path)) {
      heldHere.add(dir);
      // A process.exit() without close (a failed shutdown) still leaves no lock behind; a crash
      // does, and the next start takes it over.
      const onExit = () => release(dir, path);
      process.once('exit', onExit);
      return {
        path,
        release: once(() => {
          process.off('exit', onExit);
          release(dir, path);
        }),
      };
    }
    const holder = readHolder(path);
    if (holder === 'gone') continue;
    if (holder !== 'unreadable' && isRunning(holder)) throw new DataDirInUseError(dir, holder, path);
    takeOverStale(path, holder);
  }
  throw new Error(`Could not take the lock ${path} on ${dir}: other processes keep taking it. Start one Triage at a time on a data directory.`);
}

function tryCreate(path: string): boolean {
  try {
    writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * The pid in the file. Empty content is a creator between its open and its write (the two are
 * separate system calls): read again shortly before judging it a crash's leftover.
 */
function readHolder(path: string): number | 'gone' | 'unreadable' {
  for (let read = 0; read < 10; read++) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
      throw error;
    }
    const pid = Number.parseInt(text.trim(), 10);
    if (Number.isSafeInteger(pid) && pid > 0) return pid;
    sleepSync(20);
  }
  return 'unreadable';
}

/**
 * `kill(pid, 0)` checks without signalling: ESRCH means no such process, EPERM a process of
 * another user (alive). Our own pid in the file is an earlier run of this process that crashed
 * (a container restarts its entrypoint with the same pid); `heldHere` catches a live double open.
 */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes a crashed holder's lock, so the next round can create ours. Only the process holding
 * `<lock>.takeover` (also created with `wx`) removes a lock, and it re-reads the lock first: the
 * content of a lock whose holder is dead cannot change under it (its holder will not release it,
 * and no other process removes it), so a live lock is never removed, however many processes
 * race. A process that finds the takeover file held waits for the next round; one left by a
 * process that crashed inside these few lines is removed once its pid is gone.
 */
function takeOverStale(path: string, judged: number | 'unreadable'): void {
  const takeover = `${path}.takeover`;
  if (!tryCreate(takeover)) {
    const holder = readHolder(takeover);
    if (holder !== 'gone' && (holder === 'unreadable' || !isRunning(holder))) removeIfPresent(takeover);
    else sleepSync(20);
    return;
  }
  try {
    if (readHolder(path) === judged) removeIfPresent(path);
  } finally {
    removeIfPresent(takeover);
  }
}

function removeIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function release(dir: string, path: string): void {
  heldHere.delete(dir);
  // Only our own file: never remove a lock another process took over after judging ours stale.
  if (readHolder(path) === process.pid) removeIfPresent(path);
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
