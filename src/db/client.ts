import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { packageRoot } from '../paths.js';
import { cannotOpen, refuseInitOverFiles, UnusableDataDirError } from './pglite-damage.js';
import { lockDataDir } from './pglite-lock.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** What one `migrate()` did: `applied` by this process (0 when another replica had done it), of `total` in migrations/. */
export type MigrationRun = { applied: number; total: number };

/** Stops a `listen`; resolves once the channel is no longer listened to. */
export type Unlisten = () => Promise<void>;

export type ListenOptions = {
  /**
   * PostgreSQL only: the listening connection dropped and is listening again. Notifications sent
   * while it was down are lost (NOTIFY is not queued for absent listeners), so the caller resyncs.
   */
  onReconnect?: () => void;
};

/** One handle over either engine; callers never branch on which one it is except for concurrency. */
export type Database = {
  kind: 'postgres' | 'pglite';
  db: Db;
  /** Raw SQL that returns rows on both drivers (postgres-js gives an array, PGlite `{ rows }`). */
  query<Row = Record<string, unknown>>(statement: SQL): Promise<Row[]>;
  /** Brings the schema up to date; on PostgreSQL, once across replicas starting together. */
  migrate(): Promise<MigrationRun>;
  /** Number of migrations applied vs. committed in migrations/. */
  migrationStatus(): Promise<{ applied: number; expected: number }>;
  /**
   * Sends `payload` to every listener on `channel`, in every process on this database (NOTIFY:
   * delivered after the sender's transaction commits, at most ~8000 bytes, so send an id rather
   * than the data). `channel` is a lowercase identifier, which both engines spell alike.
   */
  notify(channel: string, payload: string): Promise<void>;
  /** Calls `onPayload` for each notification on `channel`, this process's own included, until unlistened. */
  listen(channel: string, onPayload: (payload: string) => void, options?: ListenOptions): Promise<Unlisten>;
  /** PGlite only: a copy of the whole data directory, to open another database from (`image`). */
  image?(): Promise<Blob>;
  close(): Promise<void>;
};

export type PostgresOptions = {
  url: string;
  maxConnections?: number;
  /** Server-side limit on one statement, per pooled connection. Default 30 s; 0 turns it off. */
  statementTimeoutMs?: number;
  /**
   * Server-side limit on a connection idling inside an open transaction; PostgreSQL ends that
   * session, which rolls the transaction back and frees its row locks. Default 10 s; 0 turns it off.
   */
  idleInTransactionTimeoutMs?: number;
};

/** Sees every statement drizzle sends, with its parameters: tests EXPLAIN the real hot-path queries. */
export type QueryObserver = { onQuery?: (query: string, params: unknown[]) => void };

export type DatabaseOptions = (({ kind: 'postgres' } & PostgresOptions) | { kind: 'pglite'; dataDir?: string; image?: Blob }) & QueryObserver;

const observed = (options: QueryObserver) =>
  options.onQuery ? { logger: { logQuery: (query: string, params: unknown[]) => options.onQuery!(query, params) } } : {};

/**
 * A replica frozen inside a transaction (a stopped VM, a debugger, a GC storm) must not block
 * the others: a leader takeover waits on the row locks that transaction holds (FOR SHARE on the
 * lease row, src/cluster/lease.ts). A statement running for 30 s is a bug or a lock queue, never
 * normal work, and failing it lets the caller's retry or the next tick take over.
 */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
export const DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;

export const migrationsFolder = (): string => join(packageRoot(), 'migrations');

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.kind === 'postgres' ? openPostgres(options) : openPglite(options);
}

/** A channel name both engines treat alike: PGlite folds unquoted names to lowercase, postgres.js quotes them. */
function checkChannel(channel: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new RangeError(`invalid notification channel "${channel}": use lowercase letters, digits and _`);
  return channel;
}

/**
 * Startup parameters for every connection the client opens (the pool and postgres.js's own
 * LISTEN connection). Parameters in the URL's query string win over these.
 */
function startupParameters(options: PostgresOptions): Partial<postgres.ConnectionParameters> {
  return {
    application_name: 'triage',
    statement_timeout: milliseconds(options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS),
    idle_in_transaction_session_timeout: milliseconds(options.idleInTransactionTimeoutMs ?? DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS),
  };
}

/**
 * postgres.js leaves falsy values out of the startup packet, so 0 ("off") would silently become
 * the server's or role's default: it is sent as the string '0', which the server reads alike.
 */
const milliseconds = (ms: number): number => (ms > 0 ? Math.round(ms) : ('0' as unknown as number));

/**
 * Seconds a pooled connection waits before it tries to connect again, after `failures` failed
 * connections in a row (counted across the pool). postgres.js's default grows to 20 s, and a query
 * waits for its connection's next try: after a PostgreSQL restart, intake requests hung up to 20 s
 * (then got 202) instead of a prompt 503, and recovery took as long (test/faults/postgres-restart.test.ts).
 * Capped at 1 s, with the same jitter: a refused connection is cheap for the server.
 */
export const reconnectDelaySeconds = (failures: number): number => (0.5 + Math.random() / 2) * Math.min(3 ** failures / 100, 1);

async function openPostgres(options: PostgresOptions & QueryObserver): Promise<Database> {
  const client = postgres(options.url, {
    max: options.maxConnections ?? 10,
    connect_timeout: 10,
    idle_timeout: 30,
    backoff: reconnectDelaySeconds,
    onnotice: () => {},
    connection: startupParameters(options),
  });
  const db = drizzlePostgres({ client, schema, ...observed(options) }) as unknown as Db;
  const query = async <Row>(statement: SQL): Promise<Row[]> => (await db.execute(statement)) as unknown as Row[];
  return {
    kind: 'postgres',
    db,
    query,
    migrate: () => migrateOnce(options),
    migrationStatus: () => migrationStatus(query),
    notify: async (channel, payload) => {
      await client.notify(checkChannel(channel), payload);
    },
    listen: async (channel, onPayload, listenOptions = {}) => {
      let listening = false;
      let active = true;
      // postgres.js calls this on the first LISTEN and again after each reconnect.
      const onListen = () => {
        if (listening) listenOptions.onReconnect?.();
        listening = true;
      };
      // After a reconnect postgres.js re-registers the callback as a new listener that its first
      // unlisten no longer matches; the flag keeps an unlistened callback silent regardless.
      const { unlisten } = await client.listen(checkChannel(channel), (payload) => active && onPayload(payload), onListen);
      return async () => {
        active = false;
        await unlisten();
      };
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/** Two-key advisory lock space for Triage (as src/jobs uses), apart from anyone's bigint keys. */
const MIGRATION_LOCK = sql`hashtext('triage.migrations'), 0`;

/**
 * drizzle's migrator is not safe to run from several processes at once: each reads the last
 * applied migration, then applies the rest (two replicas starting together both create the same
 * tables, and one fails). A session-level advisory lock around it makes the others wait, then
 * find nothing left to apply.
 *
 * The lock is held on one dedicated connection: a session lock taken through the pool could be
 * released on another pooled connection (a no-op) and stay held by an idle one. That connection
 * has no statement timeout: waiting for another replica's migrations is one long statement, and
 * a migration on a big table may take minutes. Its idle-in-transaction limit stays, so a
 * replica frozen mid-migration loses its session, and with it the lock.
 */
async function migrateOnce(options: PostgresOptions): Promise<MigrationRun> {
  const client = postgres(options.url, {
    max: 1,
    connect_timeout: 10,
    idle_timeout: 0,
    onnotice: () => {},
    connection: { ...startupParameters({ ...options, statementTimeoutMs: 0 }), application_name: 'triage-migrate' },
  });
  try {
    const db = drizzlePostgres({ client });
    const query = async <Row>(statement: SQL): Promise<Row[]> => (await db.execute(statement)) as unknown as Row[];
    await query(sql`select pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      const before = await migrationStatus(query);
      await migratePostgres(db, { migrationsFolder: migrationsFolder() });
      const after = await migrationStatus(query);
      return { applied: after.applied - before.applied, total: after.expected };
    } finally {
      await query(sql`select pg_advisory_unlock(${MIGRATION_LOCK})`).catch(() => {
        // The connection is gone, and the session's lock with it.
      });
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

/**
 * `image`: an in-memory database starts as a copy of another's data directory (PGlite's
 * dumpDataDir), already migrated: the test suite opens hundreds of fresh databases, and copying a
 * migrated one takes a tenth of the time of migrating each (test/support/databases.ts).
 */
async function openPglite(options: { dataDir?: string; image?: Blob } & QueryObserver): Promise<Database> {
  // Created first: the lock file sits beside the directory, so its parent must exist.
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const lock = options.dataDir ? lockDataDir(options.dataDir) : undefined;
  let client: PGlite;
  try {
    if (options.dataDir) refuseInitOverFiles(options.dataDir);
    client = options.dataDir || !options.image ? new PGlite(options.dataDir) : new PGlite({ loadDataDir: options.image });
    await client.waitReady;
  } catch (error) {
    lock?.release();
    throw options.dataDir && !(error instanceof UnusableDataDirError) ? cannotOpen(options.dataDir, error) : error;
  }
  const db = drizzlePglite({ client, schema, ...observed(options) }) as unknown as Db;
  const query = async <Row>(statement: SQL): Promise<Row[]> =>
    ((await db.execute(statement)) as unknown as { rows: Row[] }).rows;
  return {
    kind: 'pglite',
    db,
    query,
    // One process owns the data directory (the lock above), so there is nobody to wait for.
    migrate: async () => {
      const before = await migrationStatus(query);
      await migratePglite(db as never, { migrationsFolder: migrationsFolder() });
      const after = await migrationStatus(query);
      return { applied: after.applied - before.applied, total: after.expected };
    },
    migrationStatus: () => migrationStatus(query),
    notify: async (channel, payload) => {
      await client.query('select pg_notify($1, $2)', [checkChannel(channel), payload]);
    },
    // One connection, one process: notifications come back to this process only, never dropped.
    listen: async (channel, onPayload) => {
      const unlisten = await client.listen(checkChannel(channel), onPayload);
      return () => unlisten();
    },
    image: () => client.dumpDataDir('none'),
    close: async () => {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

async function migrationStatus(
  query: <Row>(s: SQL) => Promise<Row[]>,
): Promise<{ applied: number; expected: number }> {
  const expected = readMigrationFiles({ migrationsFolder: migrationsFolder() }).length;
  const exists = await query<{ t: string | null }>(sql`select to_regclass('drizzle.__drizzle_migrations')::text as t`);
  if (!exists[0]?.t) return { applied: 0, expected };
  const rows = await query<{ n: number | string }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return { applied: Number(rows[0]?.n ?? 0), expected };
}
