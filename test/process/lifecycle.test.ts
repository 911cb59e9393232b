import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, realPostgresUrl } from '../support/databases.js';
import { spawnTriage } from '../support/process.js';

const event = (id: string) => ({
  events: [{ id, type: 'runtime.heartbeat', source: 'lifecycle', occurredAt: '2026-05-03T14:30:00Z', attributes: { runtime: 'r', intervalSeconds: 30 } }],
});
const post = (url: string, token: string, body: unknown) =>
  fetch(url + '/v1/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });

describe('the Triage process', () => {
  it('on the embedded default: generates and prints a token, keeps state across a restart, stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'triage-life-'));
    const first = await spawnTriage({ TRIAGE_DATA_DIR: dataDir });
    const token = readFileSync(join(dataDir, 'ingest-token'), 'utf8').trim();
    expect(first.output()).toContain(`ingest token: ${token}`);
    expect(first.output()).toContain(`Triage is running at ${first.url}`);
    // The token is for the person at the terminal: never inside a JSON log line.
    const logLines = first.output().split('\n').filter((l) => l.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(token);
    expect(await (await post(first.url, token, event('persist-1'))).json()).toMatchObject({ accepted: 1 });

    const started = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);

    const second = await spawnTriage({ TRIAGE_DATA_DIR: dataDir });
    try {
      expect(readFileSync(join(dataDir, 'ingest-token'), 'utf8').trim()).toBe(token);
      expect(await (await post(second.url, token, event('persist-1'))).json()).toMatchObject({ accepted: 0, duplicates: 1 });
    } finally {
      second.child.kill('SIGINT');
      expect(await second.exited).toBe(0);
    }
  }, 90_000); // two real start-ups of a tsx-compiled process; slow on a loaded 2-core CI host

  it('refuses to start on a bad configuration, naming every bad key and echoing no secret', async () => {
    const bad = await spawnTriage({ PORT: 'eighty', INGEST_TOKEN: 'tiny-secret', TRIAGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'triage-bad-')) }, 5_000);
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain('PORT');
    expect(bad.output()).toContain('INGEST_TOKEN');
    expect(bad.output()).not.toContain('tiny-secret');
  });

  describe.runIf(realPostgresUrl())('with DATABASE_URL', () => {
    let drop: (() => Promise<void>) | undefined;
    afterAll(async () => drop?.());

    it('uses PostgreSQL, keeps state across a restart and never prints the configured token', async () => {
      const db = await createPostgresDatabase();
      drop = db.drop;
      const env = { DATABASE_URL: db.url, INGEST_TOKEN: 'configured-token-abcdefghijklmnop', TRIAGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'triage-pg-')) };
      const first = await spawnTriage(env);
      expect(await (await post(first.url, env.INGEST_TOKEN, event('pg-1'))).json()).toMatchObject({ accepted: 1 });
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(first.output()).not.toContain(env.INGEST_TOKEN);
      expect(first.output()).toContain('ingest token: from INGEST_TOKEN');

      const second = await spawnTriage(env);
      expect(await (await post(second.url, env.INGEST_TOKEN, event('pg-1'))).json()).toMatchObject({ duplicates: 1 });
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    });
  });
});
