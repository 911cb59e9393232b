import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { incidentInsights, incidents } from '../../src/db/schema/incidents.js';
import { insightHistory, insights } from '../../src/db/schema/insights.js';
import { correlateInsights } from '../../src/incidents/correlate.js';
import { declareIncident } from '../../src/incidents/declare.js';
import { currentIncident, incidentInsightIds, mitigateIfClear, openIncidentIdsOf, resolveIncident } from '../../src/incidents/lifecycle.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { addInsight, elena, mike, minutes, setInsightStatus } from './support.js';

describe.each(databaseKinds())('mitigating and resolving incidents on %s', (kind) => {
  let database: TestDatabase;
  const at = (n: number) => ({ db: database.db, now: () => minutes(n).getTime() });

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());
  afterEach(async () => {
    await database.db.delete(incidentInsights);
    await database.db.delete(incidents);
    await database.db.delete(insightHistory);
    await database.db.delete(insights);
  });

  it('ten concurrent resolves resolve once; the others are told who did it and when', async () => {
    const declared = await declareIncident(at(0), { title: 'Checkout down', actor: mike, channel: 'ops' });
    const id = declared.ok ? declared.value.id : 0;
    const replica: Database = kind === 'postgres' ? await openDatabase({ kind: 'postgres', url: database.url!, maxConnections: 10 }) : database;
    try {
      const people = Array.from({ length: 10 }, (_, i) => ({ platform: 'slack' as const, userId: `U${i}`, name: `Person ${i}` }));
      const results = await Promise.all(
        people.map((actor, i) => resolveIncident({ db: (i % 2 ? replica : database).db, now: () => minutes(47).getTime() }, { incidentId: id, actor })),
      );
      const winners = results.filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      const winner = winners[0]!.ok ? winners[0]!.value : undefined;
      expect(winner).toMatchObject({ status: 'resolved', resolvedAt: minutes(47) });
      for (const lost of results.filter((r) => !r.ok)) {
        expect(lost).toEqual({
          ok: false,
          error: { code: 'already_resolved', incident: winner, message: `Incident #${id} was already resolved by ${winner!.resolvedBy!.name} at 15:19 UTC; nothing changed.` },
        });
      }
    } finally {
      if (replica !== database) await replica.close();
    }
  });

  it('resolving an incident that does not exist says so', async () => {
    expect(await resolveIncident(at(0), { incidentId: 99, actor: elena })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'There is no incident #99, so nothing was resolved.' },
    });
  });

  it('is mitigated once all its insights are resolved or dismissed, and only then', async () => {
    const a = await addInsight(database.db, { kind: 'runtime_unreachable', scope: 'bash-runtime-mike', at: minutes(0) });
    const b = await addInsight(database.db, { kind: 'mcp_pool_exhausted', scope: 'database-query', at: minutes(2) });
    const c = await addInsight(database.db, { kind: 'loops_stuck', scope: 'workspace', at: minutes(3) });
    const incident = (await correlateInsights({ ...at(3), windowMinutes: 10 }, [a, b, c])).opened!;
    expect(await openIncidentIdsOf(database.db, [b.id, 12345])).toEqual([incident.id]);

    await setInsightStatus(database.db, a, 'resolved', minutes(20));
    await setInsightStatus(database.db, b, 'acknowledged', minutes(21));
    expect(await mitigateIfClear(at(21), incident.id)).toBeUndefined();
    await setInsightStatus(database.db, b, 'resolved', minutes(30));
    expect(await mitigateIfClear(at(30), incident.id)).toBeUndefined();
    await setInsightStatus(database.db, c, 'dismissed', minutes(38));

    const both = await Promise.all([mitigateIfClear(at(38), incident.id), mitigateIfClear(at(38), incident.id)]);
    expect(both.filter(Boolean)).toEqual([expect.objectContaining({ id: incident.id, status: 'mitigated', mitigatedAt: minutes(38) })]);
    expect(await openIncidentIdsOf(database.db, [b.id])).toEqual([]);
    expect(await currentIncident(database.db)).toMatchObject({ id: incident.id, status: 'mitigated' });

    const resolved = await resolveIncident(at(47), { incidentId: incident.id, actor: elena });
    expect(resolved).toMatchObject({ ok: true, value: { status: 'resolved', mitigatedAt: minutes(38), resolvedAt: minutes(47), resolvedBy: elena } });
    expect(await mitigateIfClear(at(50), incident.id)).toBeUndefined();
    expect(await incidentInsightIds(database.db, incident.id)).toEqual([a.id, b.id, c.id]);
  });

  it('a declared incident with no insights is never mitigated by itself', async () => {
    const declared = await declareIncident(at(0), { title: 'Customer reports', actor: mike, channel: 'ops' });
    expect(await mitigateIfClear(at(5), declared.ok ? declared.value.id : 0)).toBeUndefined();
  });

  it('the current incident is the latest one not yet resolved', async () => {
    expect(await currentIncident(database.db)).toBeUndefined();
    const first = await declareIncident(at(0), { title: 'First', actor: mike, channel: 'ops' });
    const second = await declareIncident(at(5), { title: 'Second', actor: mike, channel: 'ops' });
    expect((await currentIncident(database.db))?.title).toBe('Second');
    await resolveIncident(at(6), { incidentId: second.ok ? second.value.id : 0, actor: elena });
    expect((await currentIncident(database.db))?.title).toBe('First');
    await resolveIncident(at(7), { incidentId: first.ok ? first.value.id : 0, actor: elena });
    expect(await currentIncident(database.db)).toBeUndefined();
  });
});
