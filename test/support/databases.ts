import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/db/client.js';

/**
 * Database tests run on PGlite always and on a real PostgreSQL when TEST_DATABASE_URL is set.
 * Each real-PostgreSQL database is created fresh for the test file and dropped afterwards, so
 * files can run in parallel against one server.
 */
export type DatabaseKind = 'pglite' | 'postgres';

export const realPostgresUrl = (): string | undefined => process.env.TEST_DATABASE_URL || undefined;

export const databaseKinds = (): DatabaseKind[] => (realPostgresUrl() ? ['pglite', 'postgres'] : ['pglite']);

/**
 * One run, on the real PostgreSQL when the suite has one: for tests of behaviour above the
 * storage (a chat surface's names and clicks, /audit's words, a recovery action's steps, the
 * simulator's rules, an intake route's parsing, the minutes' words) whose queries are proven on
 * both engines by the stores' own tests (event writer, request store, lifecycle, log, outbox...).
 * Running them twice cost CI's fifteen minutes without testing anything more.
 */
export const oneDatabaseKind = (): DatabaseKind[] => [realPostgresUrl() ? 'postgres' : 'pglite'];

export type TestDatabase = Database & { url?: string; drop(): Promise<void> };

/**
 * Each test process migrates one PGlite database once and starts every later one as a copy of it
 * (src/db/client.ts `image`): migrating took 3 s per fresh database, a copy 0.4 s, and the suite
 * opens hundreds. migrate() still runs on the copy, and finds nothing to do.
 */
let pgliteImage: Promise<Blob> | undefined;
const migratedPgliteImage = (): Promise<Blob> =>
  (pgliteImage ??= (async () => {
    const template = await openDatabase({ kind: 'pglite' });
    await template.migrate();
    const image = await template.image!();
    await template.close();
    return image;
  })());

export async function openTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const database = await openDatabase({ kind: 'pglite', image: await migratedPgliteImage() });
    await database.migrate();
    return { ...database, drop: () => database.close() };
  }
  const empty = await createEmptyPostgresDatabase();
  const database = await openDatabase({ kind: 'postgres', url: empty.url, maxConnections: 20 });
  await database.migrate();
  return {
    ...database,
    url: empty.url,
    drop: async () => {
      await database.close();
      await empty.drop();
    },
  };
}

/**
 * A fresh database on the test server that nobody has migrated yet: for tests of what happens
 * when replicas start on it, and the base of every real-PostgreSQL test database.
 */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const server = realPostgresUrl();
  if (!server) throw new Error('TEST_DATABASE_URL is not set');
  const name = `triage_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** A fresh, migrated, empty database URL for tests that start Triage itself against PostgreSQL. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const db = await openTestDatabase('postgres');
  await db.close();
  return { url: db.url!, drop: db.drop };
}
