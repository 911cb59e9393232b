import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidents } from '../../src/db/schema/incidents.js';
import { correlateInsights } from '../../src/incidents/correlate.js';
import { incidentInsightIds } from '../../src/incidents/lifecycle.js';
import { findLive } from '../../src/insights/store.js';
import { findScenario } from '../../src/platform/scenarios/index.js';
import { playScenario } from '../../src/platform/scenarios/player.js';
import { oneDatabaseKind } from '../support/databases.js';
import { startTestTriage, TEST_TOKEN, type TestTriage } from '../support/triage.js';

/**
 * The seed story's cascading failure played into a real Triage: the insights it raised, read
 * back through the insights store, correlate into one incident holding exactly the critical ones.
 */
describe.each(oneDatabaseKind())('correlating the seed cascade on %s', (kind) => {
  let triage: TestTriage;
  beforeAll(async () => {
    triage = await startTestTriage(kind);
    const played = await playScenario({ scenario: findScenario('cascading-failure')!, url: triage.url, token: TEST_TOKEN, speed: 50 });
    expect(played.ok).toBe(true);
    await triage.writer.drain();
    await triage.evaluator.idle();
  });
  afterAll(async () => triage?.close());

  it('opens one cascading-failure incident with every critical insight and the warnings around them, and a second replica adds nothing', async () => {
    const db = triage.testDatabase.db;
    const live = await findLive(db);
    const critical = live.filter((i) => i.severity === 'critical' && i.status === 'open');
    expect(critical.length, live.map((i) => `${i.kind}:${i.severity}`).join(', ')).toBeGreaterThanOrEqual(2);

    const ctx = { db, windowMinutes: 10 };
    const results = await Promise.all([correlateInsights(ctx, live), correlateInsights(ctx, [...live].reverse())]);
    const all = await db.select().from(incidents);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ origin: 'correlated', status: 'open' });
    expect(all[0]!.title).toMatch(/^Cascading failure: /);
    expect(all[0]!.title.length).toBeLessThanOrEqual(80);
    const members = await incidentInsightIds(db, all[0]!.id);
    const warnings = live.filter((i) => i.severity === 'warning' && i.status === 'open');
    expect([...members].sort()).toEqual([...critical, ...warnings].map((i) => i.id).sort());
    // The seed's cascade: the MCP pool, Mike's runtime and the paused routine, and the degraded
    // provider seen during it (the minutes' tertiary cause).
    const kinds = new Set(live.filter((i) => members.includes(i.id)).map((i) => i.kind));
    expect([...kinds]).toEqual(expect.arrayContaining(['mcp_pool_exhausted', 'runtime_unreachable', 'runtime_execution_failures', 'routine_budget_exhausted']));
    expect(kinds.has('provider_degraded')).toBe(true);
    // Whichever replica got there (or the app's own wiring, if it correlated first), no join is reported twice.
    const reported = results.flatMap((r) => r.joined.map((j) => j.insightId));
    expect(new Set(reported).size).toBe(reported.length);
  });
});
