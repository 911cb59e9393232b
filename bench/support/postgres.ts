import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { deferCleanup } from './cleanup.js';
import { runCommand } from './command.js';
import { freePort } from './free-port.js';

const PGBIN = '/usr/lib/postgresql/15/bin';

export type PostgresServer = {
  /** URL of a database we may connect to in order to create and drop others. */
  adminUrl: string;
  /** Stops and deletes a throwaway server; a no-op for a server given by BENCH_DATABASE_URL. */
  stop(): Promise<void>;
};

export type FreshDatabase = { name: string; url: string; drop(): Promise<void> };

/**
 * A bench connection: bounded connect time and a server-side statement timeout, so a stuck
 * statement fails the run instead of hanging it. TCP_NODELAY because postgres.js leaves Nagle on,
 * and COPY's small CopyDone message after the data then waits for a delayed ACK (~40 ms per COPY
 * measured here), which would understate the COPY ceiling. `socket` is a documented postgres.js
 * option missing from its type definitions, hence the widened options object.
 */
export function connect(url: string, max = 1): postgres.Sql {
  const { hostname, port } = new URL(url);
  const options = {
    max,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { statement_timeout: 120_000 },
    // A URL without a host means a Unix socket: Nagle does not apply there.
    ...(hostname ? { socket: () => tcpConnect({ host: hostname, port: Number(port || 5432), noDelay: true }) } : {}),
  };
  return postgres(url, options as postgres.Options<Record<string, never>>);
}

/** BENCH_DATABASE_URL when set (someone else's server, left running), else our own throwaway one. */
export async function openPostgresServer(): Promise<PostgresServer> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) return { adminUrl: given, stop: async () => {} };
  return startThrowawayPostgres();
}

/**
 * The same recipe as scripts/throwaway-postgres.sh, kept in TypeScript so the bench owns the
 * server's whole life (including SIGINT). fsync stays ON: the point is production-like commits.
 * PostgreSQL refuses to run as root, so as root every binary runs through `runuser -u postgres`.
 */
export async function startThrowawayPostgres(): Promise<PostgresServer> {
  if (!existsSync(join(PGBIN, 'initdb'))) {
    throw new Error(`PostgreSQL 15 is not installed (${PGBIN}); install postgresql-15 or set BENCH_DATABASE_URL`);
  }
  const asRoot = process.getuid?.() === 0;
  const pg = (bin: string, args: string[], timeoutMs: number) =>
    asRoot
      ? runCommand('runuser', ['-u', 'postgres', '--', join(PGBIN, bin), ...args], { timeoutMs })
      : runCommand(join(PGBIN, bin), args, { timeoutMs });

  const dir = mkdtempSync(join(tmpdir(), 'triage-bench-pg-'));
  if (asRoot) chownSync(dir, Number((await runCommand('id', ['-u', 'postgres'], { timeoutMs: 5_000 })).trim()), 0);
  const data = join(dir, 'data');
  let started = false;
  const release = deferCleanup('throwaway PostgreSQL', async () => {
    try {
      if (started) await pg('pg_ctl', ['-D', data, '-w', '-t', '15', '-m', 'fast', 'stop'], 20_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  try {
    const port = await freePort();
    // --no-sync only skips initdb's own flush of the template files; the server's fsync is below.
    await pg('initdb', ['-D', data, '-A', 'trust', '--no-sync', '-U', 'postgres'], 60_000);
    const settings = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=on -c max_connections=200`;
    started = true; // from here a half-started server may exist: stop it on failure
    await pg('pg_ctl', ['-D', data, '-w', '-t', '30', '-l', join(dir, 'log'), '-o', settings, 'start'], 40_000);
    return { adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`, stop: release };
  } catch (error) {
    await release();
    throw error;
  }
}

/** A new, empty database on the server, so each measured variant starts from empty tables. */
export async function createFreshDatabase(adminUrl: string, prefix: string): Promise<FreshDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = connect(adminUrl);
  const release = deferCleanup(`database ${name}`, async () => {
    try {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
    } finally {
      await admin.end({ timeout: 5 });
    }
  });
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (error) {
    await release();
    throw error;
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: release };
}

/** What the figures depend on, printed with them: a server with fsync off would flatter every number. */
export async function describeServer(url: string): Promise<{ version: string; fsync: string; synchronousCommit: string }> {
  const sql = connect(url);
  try {
    const [row] = await sql<{ version: string; fsync: string; sc: string }[]>`
      select current_setting('server_version') as version, current_setting('fsync') as fsync,
             current_setting('synchronous_commit') as sc`;
    return { version: row!.version, fsync: row!.fsync, synchronousCommit: row!.sc };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export type CpuMeter = { stop(): Promise<number | undefined> };

/**
 * CPU time (ms) the server's processes (backends, WAL writer, checkpointer...) used between
 * start and stop, read from /proc/<pid>/schedstat: on a 2-core host PostgreSQL, Triage and the
 * load generator share the CPUs, and the split says where a ceiling comes from. Undefined when
 * the server is not a local process we can see (BENCH_DATABASE_URL on another host).
 */
export async function startPostgresCpuMeter(adminUrl: string): Promise<CpuMeter> {
  const sql = connect(adminUrl);
  const read = (pids: number[]): number | undefined => {
    let total = 0;
    for (const pid of pids) {
      try {
        total += Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
      } catch {
        // a backend that ended meanwhile; its time is lost, the rest still counts
      }
    }
    return total || undefined;
  };
  try {
    const pids = (await sql<{ pid: number }[]>`select pid from pg_stat_activity`).map((r) => r.pid);
    const before = read(pids);
    return {
      stop: async () => {
        const after = read(pids);
        await sql.end({ timeout: 5 });
        return before === undefined || after === undefined ? undefined : Math.round(after - before);
      },
    };
  } catch (error) {
    await sql.end({ timeout: 5 });
    throw error;
  }
}
