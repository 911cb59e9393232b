import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { realPostgresUrl } from '../support/databases.js';

/**
 * A fresh, empty PostgreSQL database that nobody has migrated yet (test/support/databases.ts
 * migrates the ones it hands out): for tests of what happens when replicas start on it.
 */
export async function createUnmigratedDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
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
