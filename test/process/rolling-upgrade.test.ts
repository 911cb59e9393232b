import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyPostgresDatabase, realPostgresUrl } from '../support/databases.js';
import { checkOutPreviousRelease, PREVIOUS_RELEASE } from '../support/previous-release.js';
import type { TriageProcess } from '../support/process.js';
import { observe, postEvents, startReplica, stopAll, waitFor } from '../support/replicas.js';

const EVERY_SECOND = 'insights:\n  tickCron: "* * * * * *"\n';

const failure = (id: string, runtime: string) => ({
  id,
  type: 'runtime.execution_failed',
  source: 'upgrade-test',
  occurredAt: new Date().toISOString(),
  attributes: { runtime, reason: 'connection_refused' },
});

const metric = async (p: TriageProcess, name: string, labels = '') => {
  const text = await (await fetch(p.url + '/metrics')).text();
  const escaped = labels.replace(/[{}]/g, (c) => `\\${c}`);
  return Number(new RegExp(`^${name}${escaped} (\\S+)$`, 'm').exec(text)?.[1]);
};

/**
 * A rolling upgrade as an orchestrator runs it: the previous release's code (from this
 * repository's history) runs on PostgreSQL, a replica of this release starts beside it and
 * migrates, both serve, then the old one stops. The core paths must hold throughout: intake on
 * both, one evaluation, cards delivered, and the counters the new schema keeps (docs/architecture.md,
 * "Rolling upgrades").
 */
describe.runIf(realPostgresUrl())(`a rolling upgrade from the previous release (${PREVIOUS_RELEASE.name})`, () => {
  let previousDir = '';
  const running: TriageProcess[] = [];
  let drop: () => Promise<void> = async () => {};
  beforeAll(() => {
    previousDir = checkOutPreviousRelease();
  });
  afterAll(async () => {
    await stopAll(running.splice(0));
    await drop();
    if (previousDir) rmSync(previousDir, { recursive: true, force: true });
  });

  it('runs the old code on the new schema beside the new code, and hands over to the new code', async () => {
    const empty = await createEmptyPostgresDatabase();
    drop = empty.drop;
    const seen = observe(empty.url);
    try {
      // Before: the previous release alone, on its own schema, with a card already delivered.
      const old = await startReplica(empty.url, EVERY_SECOND, {}, previousDir);
      running.push(old);
      expect(await (await fetch(old.url + '/readyz')).json(), old.output()).toEqual({ status: 'ready' });
      expect((await postEvents(old.url, [failure('f1', 'rt-1'), failure('f2', 'rt-2'), failure('f3', 'rt-3')])).status).toBe(202);
      const firstCard = async () => (await seen.postedInsightCards()).filter((c) => c.startsWith('runtime_execution_failures'));
      expect(await waitFor(async () => ((await firstCard()).length ? await firstCard() : undefined), 15_000)).toEqual(['runtime_execution_failures:workspace#1']);
      expect(await waitFor(seen.outboxSettled, 15_000)).toBe(true);

      // During: this release starts beside it and migrates; the old one keeps running on the new schema.
      const fresh = await startReplica(empty.url, EVERY_SECOND);
      running.push(fresh);
      const [applied] = await seen.sql<Array<{ n: string }>>`select count(*) as n from drizzle.__drizzle_migrations`;
      expect(Number(applied!.n)).toBeGreaterThan(Number(PREVIOUS_RELEASE.lastMigration.slice(0, 4)) + 1);
      expect(await (await fetch(old.url + '/readyz')).json(), 'the old release is still ready on the new schema').toEqual({ status: 'ready' });

      // Intake on both; the old release still leads and evaluates both intakes as one stream.
      expect((await postEvents(old.url, [failure('f4', 'rt-4')])).status).toBe(202);
      expect((await postEvents(fresh.url, [failure('f5', 'rt-5')])).status).toBe(202);
      expect([await metric(old, 'triage_evaluator_leader'), await metric(fresh, 'triage_evaluator_leader')]).toEqual([1, 0]);
      const failures = async () =>
        Number((await seen.sql<Array<{ n: number }>>`select (detection->'facts'->>'failures')::int as n from insights where kind = 'runtime_execution_failures'`)[0]?.n);
      expect(await waitFor(async () => ((await failures()) === 5 ? 5 : undefined), 15_000)).toBe(5);
      expect(await waitFor(seen.outboxSettled, 15_000)).toBe(true);

      // The counters the new schema keeps on write include what the old code wrote before and after.
      const [rows] = await seen.sql<Array<{ sent: string }>>`select count(*) as sent from chat_outbox where status = 'sent'`;
      expect(Number(rows!.sent)).toBeGreaterThan(0);
      expect(await metric(fresh, 'triage_outbox_rows', '{status="sent"}')).toBe(Number(rows!.sent));

      // After: the old release stops (SIGTERM gives the lease up); this release leads and goes on.
      await stopAll([old]);
      expect(await waitFor(async () => ((await metric(fresh, 'triage_evaluator_leader')) === 1 ? 1 : undefined), 10_000)).toBe(1);
      expect((await postEvents(fresh.url, [failure('f6', 'rt-6')])).status).toBe(202);
      expect(await waitFor(async () => ((await failures()) === 6 ? 6 : undefined), 15_000)).toBe(6);
      expect(await firstCard(), 'one card, updated in place across the handover').toEqual(['runtime_execution_failures:workspace#1']);
      expect(await waitFor(seen.outboxSettled, 15_000)).toBe(true);
      const [after] = await seen.sql<Array<{ sent: string }>>`select count(*) as sent from chat_outbox where status = 'sent'`;
      expect(await metric(fresh, 'triage_outbox_rows', '{status="sent"}')).toBe(Number(after!.sent));
      expect(old.output()).not.toMatch(/"level":(50|60)/);
    } finally {
      await seen.close();
    }
  }, 240_000);
});
