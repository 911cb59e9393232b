import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RemediationConfig } from '../../src/config.js';
import { actionRequests, auditLog } from '../../src/db/schema/actions.js';
import { chatOutbox } from '../../src/db/schema/chat.js';
import type { Insight } from '../../src/insights/insight.js';
import { Routing } from '../../src/insights/routing.js';
import type { Simulator } from '../../src/platform/simulator/simulator.js';
import { createPolicies } from '../../src/remediation/policies.js';
import { countingPlatform, loopedSimulator, message, mike, quiet, recordingSink, runnerFor } from '../actions/support.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';

const RUNTIME = 'bash-runtime-mike';
const config = (maxRuns: number) =>
  RemediationConfig.parse({ policies: [{ name: 'restart-oom-runtimes', kind: 'runtime_unreachable', when: { oom: true }, action: 'restart_runtime', maxRuns, windowMinutes: 30 }] });

let nextId = 1000;
/** A runtime_unreachable insight as the lifecycle hands it to the publisher. */
function insight(over: { episode?: number; status?: Insight['status']; oom?: boolean; id?: number } = {}): Insight {
  const now = new Date();
  return {
    id: over.id ?? nextId++,
    fingerprint: `runtime_unreachable:${RUNTIME}`,
    kind: 'runtime_unreachable',
    scope: RUNTIME,
    severity: 'critical',
    category: 'operational',
    status: over.status ?? 'open',
    episode: over.episode ?? 1,
    title: `Runtime ${RUNTIME} unreachable`,
    detection: { scope: RUNTIME, summary: `External runtime ${RUNTIME} unreachable (oom).`, entities: [{ kind: 'runtime', id: RUNTIME }], facts: { reason: 'oom', oom: over.oom ?? true } },
    detectionHash: 'h',
    count: 1,
    version: 1,
    publishedVersion: 0,
    firstSeenAt: now,
    lastSeenAt: now,
    resolvedAt: null,
    acknowledgedBy: null,
    dismissedBy: null,
    dismissedAt: null,
    suppressedUntil: null,
  };
}

/**
 * The policy step alone, on a real database and the simulator: exactly once per insight episode
 * however often and from however many leaders it is published, only from the leader, only for
 * the facts it names, and the stop recorded once.
 */
describe.each(databaseKinds())('remediation policies, step by step, on %s', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;
  let platform: ReturnType<typeof countingPlatform>;
  let runner: ReturnType<typeof runnerFor>;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    sim = await loopedSimulator(database, 20);
  });
  afterAll(async () => {
    sim?.close();
    await database?.drop();
  });
  beforeEach(async () => {
    await database.db.delete(actionRequests);
    await database.db.delete(auditLog);
    await database.db.delete(chatOutbox);
    platform = countingPlatform(sim);
    runner = runnerFor(database, platform.platform, recordingSink().sink);
  });

  const policies = (maxRuns = 2, leading = true) =>
    createPolicies({ db: database.db, config: config(maxRuns), routing: Routing.parse({}), platforms: () => ['console'], kick: () => {}, runner, leading: async () => leading, logger: quiet });

  it('one episode published again and again, by two leaders at once, restarts once', async () => {
    const [a, b] = [policies(), policies()];
    const oom = insight();
    await Promise.all([a.onInsights([oom]), b.onInsights([oom]), a.onInsights([oom]), b.onInsights([{ ...oom, count: 2, version: 2 }])]);
    await runner.idle();
    expect(platform.count('restartRuntime')).toBe(1);
    const rows = await database.db.select().from(actionRequests);
    expect(rows.map((r) => [r.actorKey, r.idempotencyKey, r.status])).toEqual([
      ['system:policy:restart-oom-runtimes', `policy:restart-oom-runtimes:insight:${oom.id}:1:runtime:${RUNTIME}`, 'succeeded'],
    ]);
  });

  it('does nothing off the leader, for facts the policy does not name, or once a person took the card', async () => {
    await policies(2, false).onInsights([insight()]);
    await policies().onInsights([insight({ oom: false }), insight({ status: 'acknowledged' }), insight({ status: 'resolved' })]);
    await runner.idle();
    expect(platform.count('restartRuntime')).toBe(0);
    expect(await database.db.select().from(actionRequests)).toEqual([]);
  });

  it("a person's press counts: with one run allowed and one on record, the policy stops, once, however often it is published", async () => {
    await runner.click({ action: 'restart_runtime', target: { kind: 'runtime', id: RUNTIME }, actor: mike, message, deliveryId: 'press-1' });
    await runner.idle();
    const [a, b] = [policies(1), policies(1)];
    const oom = insight({ episode: 2 });
    await Promise.all([a.onInsights([oom]), b.onInsights([oom]), a.onInsights([oom])]);
    await runner.idle();
    expect(platform.count('restartRuntime')).toBe(1);
    const stops = await database.db.select().from(auditLog).where(eq(auditLog.outcome, 'escalated'));
    expect(stops.map((s) => [s.actorKey, s.action, s.target])).toEqual([['system:policy:restart-oom-runtimes', 'restart_runtime', `runtime:${RUNTIME}`]]);
    const cards = await database.db.select().from(chatOutbox).where(and(eq(chatOutbox.kind, 'post'), like(chatOutbox.cardKey, 'escalation:%')));
    expect(cards.map((c) => [c.cardKey, c.channel])).toEqual([[`escalation:insight:${oom.id}:2:runtime:${RUNTIME}`, 'ops']]);
    expect(JSON.stringify(cards[0]!.card)).toMatch(/Mike: ✅ heartbeat detected/);
  });
});
