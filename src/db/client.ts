import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { packageRoot } from '../paths.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** One handle over either engine; callers never branch on which one it is except for concurrency. */
export type Database = {
  kind: 'postgres' | 'pglite';
  db: Db;
  /** Raw SQL that returns rows on both drivers (postgres-js gives an array, PGlite `{ rows }`). */
  query<Row = Record<string, unknown>>(statement: SQL): Promise<Row[]>;
  migrate(): Promise<void>;
  /** Number of migrations applied vs. committed in migrations/. */
  migrationStatus(): Promise<{ applied: number; expected: number }>;
  close(): Promise<void>;
};

export type DatabaseOptions =
  | { kind: 'postgres'; url: string; maxConnections?: number }
  | { kind: 'pglite'; dataDir?: string };

export const migrationsFolder = (): string => join(packageRoot(), 'migrations');

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.kind === 'postgres' ? openPostgres(options) : openPglite(options);
}

async function openPostgres(options: { url: string; maxConnections?: number }): Promise<Database> {
  const client = postgres(options.url, {
    max: options.maxConnections ?? 10,
    connect_timeout: 10,
    idle_timeout: 30,
    onnotice: () => {},
  });
  const db = drizzlePostgres({ client, schema }) as unknown as Db;
  const query = async <Row>(statement: SQL): Promise<Row[]> => (await db.execute(statement)) as unknown as Row[];
  return {
    kind: 'postgres',
    db,
    query,
    migrate: () => migratePostgres(db as never, { migrationsFolder: migrationsFolder() }),
    migrationStatus: () => migrationStatus(query),
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(options: { dataDir?: string }): Promise<Database> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = new PGlite(options.dataDir);
  await client.waitReady;
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  const query = async <Row>(statement: SQL): Promise<Row[]> =>
    ((await db.execute(statement)) as unknown as { rows: Row[] }).rows;
  return {
    kind: 'pglite',
    db,
    query,
    migrate: () => migratePglite(db as never, { migrationsFolder: migrationsFolder() }),
    migrationStatus: () => migrationStatus(query),
    close: () => client.close(),
  };
}

async function migrationStatus(
  query: <Row>(s: SQL) => Promise<Row[]>,
): Promise<{ applied: number; expected: number }> {
  const { readMigrationFiles } = await import('drizzle-orm/migrator');
  const expected = readMigrationFiles({ migrationsFolder: migrationsFolder() }).length;
  const exists = await query<{ t: string | null }>(sql`select to_regclass('drizzle.__drizzle_migrations')::text as t`);
  if (!exists[0]?.t) return { applied: 0, expected };
  const rows = await query<{ n: number | string }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return { applied: Number(rows[0]?.n ?? 0), expected };
}
