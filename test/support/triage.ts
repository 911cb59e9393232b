import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startTriage, type RunningTriage, type StartOptions } from '../../src/app.js';
import { Config } from '../../src/config.js';
import { openTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js';

export const TEST_TOKEN = 'test-ingest-token-0123456789';

export type TestTriage = RunningTriage & {
  testDatabase: TestDatabase;
  post(path: string, body: unknown, init?: { token?: string | null; contentType?: string; raw?: string }): Promise<Response>;
  close(): Promise<void>;
};

/** The real Triage on port 0 over a fresh database of the given kind, with a silent logger. */
export async function startTestTriage(kind: DatabaseKind, overrides: Partial<Config> = {}, options: StartOptions = {}): Promise<TestTriage> {
  const testDatabase = await openTestDatabase(kind);
  const triage = await startTriageOn(testDatabase, overrides, options);
  return {
    ...triage,
    testDatabase,
    post: (path, body, init = {}) => {
      const headers: Record<string, string> = { 'content-type': init.contentType ?? 'application/json' };
      const token = init.token === undefined ? TEST_TOKEN : init.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      return fetch(triage.url + path, { method: 'POST', headers, body: init.raw ?? JSON.stringify(body) });
    },
    close: async () => {
      await triage.stop();
      await testDatabase.drop();
    },
  };
}

/**
 * The real Triage on port 0 over a database the caller keeps: stopping it leaves the database as
 * it was, so another Triage started on it is a restart of the same deployment.
 */
export function startTriageOn(database: TestDatabase, overrides: Partial<Config> = {}, options: StartOptions = {}): Promise<RunningTriage> {
  const config = Config.parse({
    port: 0,
    host: '127.0.0.1',
    ingestToken: TEST_TOKEN,
    dataDir: mkdtempSync(join(tmpdir(), 'triage-test-')),
    logLevel: 'silent',
    ...overrides,
  });
  return startTriage(config, { database, logger: pino({ level: 'silent' }), ...options });
}
