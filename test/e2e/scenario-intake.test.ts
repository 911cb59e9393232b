import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findScenario, scenarios } from '../../src/platform/scenarios/index.js';
import { playScenario } from '../../src/platform/scenarios/player.js';
import { databaseKinds } from '../support/databases.js';
import { startTestTriage, TEST_TOKEN, type TestTriage } from '../support/triage.js';

/** The scenario player against the real Triage: real HTTP intake, real database, the simulator. */
describe.each(databaseKinds())('scenarios through the real intake on %s', (kind) => {
  let triage: TestTriage;
  beforeAll(async () => {
    triage = await startTestTriage(kind, { simulator: { restartHeartbeatDelayMs: 50 } });
  });
  afterAll(async () => triage?.close());

  const platformGet = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${triage.url}/platform/${path}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: T }).items;
  };

  it('plays the seed incident and the simulated platform shows it', async () => {
    const start = new Date();
    const played = await playScenario({ scenario: findScenario('cascading-failure')!, url: triage.url, token: TEST_TOKEN, speed: 100, start });
    expect(played.ok).toBe(true);
    if (!played.ok) return;
    expect(played.value.accepted).toBe(played.value.events);
    expect(played.value.duplicates).toBe(0);

    // The simulator folds stored events in just after they commit: poll, as a user would refresh.
    const down = async () =>
      (await platformGet<Array<{ id: string; status: string }>>('runtimes')).filter((r) => r.status === 'unreachable').map((r) => r.id).sort();
    await expect.poll(down, { timeout: 5000 }).toEqual(['bash-runtime-mike', 'bash-runtime-priya']);
    const routine = async () =>
      (await platformGet<Array<{ id: string; status: string; budgetSpentUsd: number; budgetLimitUsd: number }>>('routines')).find((r) => r.id === 'daily-code-review');
    await expect.poll(routine, { timeout: 5000 }).toMatchObject({ status: 'paused', budgetSpentUsd: 12.47, budgetLimitUsd: 10 });
    const mcp = async () => (await platformGet<Array<{ id: string; poolSize: number; poolInUse: number }>>('mcp-servers')).find((m) => m.id === 'database-query');
    await expect.poll(mcp, { timeout: 5000 }).toMatchObject({ poolSize: 5, poolInUse: 5 });

    // Replaying the same run is deduplicated by the events' ids: nothing is stored twice.
    const again = await playScenario({ scenario: findScenario('cascading-failure')!, url: triage.url, token: TEST_TOKEN, speed: 100, start });
    expect(again.ok && again.value.duplicates).toBe(played.value.events);
  });

  it('a restart through the simulator REST API brings a heartbeat back through the intake', async () => {
    const res = await fetch(`${triage.url}/platform/runtimes/bash-runtime-mike/restart`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    await expect
      .poll(async () => (await platformGet<Array<{ id: string; status: string }>>('runtimes')).find((r) => r.id === 'bash-runtime-mike')?.status, { timeout: 5000 })
      .toBe('connected');
    // The heartbeat reaches the events table through the intake's coalescing writer: poll for it.
    const heartbeats = async () =>
      (
        await triage.database.query<{ n: number }>(
          sql`select count(*)::int as n from events where source = 'simulator' and type = 'runtime.heartbeat' and attributes->>'runtime' = 'bash-runtime-mike'`,
        )
      )[0]!.n;
    await expect.poll(heartbeats, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
  });

  it('every scenario is accepted whole by the real intake', async () => {
    for (const scenario of scenarios) {
      const played = await playScenario({ scenario, url: triage.url, token: TEST_TOKEN, speed: 1000 });
      expect(played.ok, `${scenario.name}: ${JSON.stringify(!played.ok && played.error)}`).toBe(true);
      expect(played.ok && played.value.warnings).toBe(0);
    }
  });
});
