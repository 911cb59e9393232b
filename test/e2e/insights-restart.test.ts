import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTriage } from '../../src/app.js';
import { Config } from '../../src/config.js';
import { findScenario } from '../../src/platform/scenarios/index.js';
import { playScenario } from '../../src/platform/scenarios/player.js';
import { openTestDatabase, type TestDatabase } from '../support/databases.js';
import { TEST_TOKEN } from '../support/triage.js';

/** A restart must not forget what it saw: open insights stay open, nothing is posted twice. */
describe('Copilot across a restart', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase('pglite');
  });
  afterAll(async () => database?.drop());

  const start = () =>
    startTriage(Config.parse({ port: 0, ingestToken: TEST_TOKEN, dataDir: mkdtempSync(join(tmpdir(), 'triage-restart-')), logLevel: 'silent' }), {
      database,
      logger: pino({ level: 'silent' }),
    });
  const open = async () =>
    (await database.query<{ fingerprint: string }>(sql`select fingerprint from insights where status = 'open' order by fingerprint`)).map((r) => r.fingerprint);

  it('rebuilds its window from the events table, so open insights are not resolved by the restart', async () => {
    const first = await start();
    const played = await playScenario({ scenario: findScenario('cascading-failure')!, url: first.url, token: TEST_TOKEN, speed: 50 });
    expect(played.ok).toBe(true);
    await first.evaluator.idle();
    const before = await open();
    expect(before).toContain('runtime_unreachable:bash-runtime-mike');
    await first.stop();

    const second = await start();
    await second.evaluator.tick();
    await second.evaluator.idle();
    expect(await open()).toEqual(before);
    const resolved = await database.query<{ n: number }>(sql`select count(*)::int as n from insight_history where change = 'resolved'`);
    expect(resolved[0]!.n).toBe(0);
    await second.stop();
  });
});
