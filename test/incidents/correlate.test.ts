import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { incidentInsights, incidents } from '../../src/db/schema/incidents.js';
import { insightHistory, insights } from '../../src/db/schema/insights.js';
import { adoptRecentInsights, cascadeTitle, correlateInsights } from '../../src/incidents/correlate.js';
import { declareIncident } from '../../src/incidents/declare.js';
import { findIncident, incidentInsightIds, mitigateIfClear, resolveIncident } from '../../src/incidents/lifecycle.js';
import { findById } from '../../src/insights/store.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { addInsight, elena, minutes, setInsightStatus, T0 } from './support.js';

describe.each(databaseKinds())('correlating critical insights on %s', (kind) => {
  let database: TestDatabase;
  let clock = T0;
  const ctx = () => ({ db: database.db, windowMinutes: 10, now: () => clock });

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());
  beforeEach(() => {
    clock = T0;
  });
  afterEach(async () => {
    await database.db.delete(incidentInsights);
    await database.db.delete(incidents);
    await database.db.delete(insightHistory);
    await database.db.delete(insights);
  });

  it('one critical insight alone is not an incident, and warnings never are', async () => {
    const runtime = await addInsight(database.db, { kind: 'runtime_execution_failures', scope: 'bash-runtime-mike', at: minutes(0) });
    const warning = await addInsight(database.db, { kind: 'mcp_pool_high', scope: 'database-query', severity: 'warning', at: minutes(1) });
    expect(await correlateInsights(ctx(), [runtime, warning])).toEqual({ joined: [] });
    expect(await database.db.select().from(incidents)).toEqual([]);
  });

  it('two critical insights within the window open one cascading-failure incident holding both', async () => {
    const runtime = await addInsight(database.db, { kind: 'runtime_execution_failures', scope: 'bash-runtime-mike', at: minutes(0) });
    expect((await correlateInsights(ctx(), [runtime])).opened).toBeUndefined();
    const pool = await addInsight(database.db, { kind: 'mcp_pool_exhausted', scope: 'database-query', at: minutes(6) });
    clock = minutes(6).getTime();
    const result = await correlateInsights(ctx(), [pool]);
    expect(result.opened).toMatchObject({
      title: 'Cascading failure: runtime execution failures, MCP connection pool exhausted',
      status: 'open',
      origin: 'correlated',
      channel: 'ops',
      openedBy: { platform: 'system', userId: 'triage' },
      openedAt: minutes(6),
    });
    // The earlier insight was not in this batch, but it is part of the cascade.
    expect(result.joined.map((j) => j.insightId)).toEqual([runtime.id, pool.id]);
    expect(await incidentInsightIds(database.db, result.opened!.id)).toEqual([runtime.id, pool.id]);
  });

  it('critical insights further apart than the window stay apart; a later one joins the open incident', async () => {
    const early = await addInsight(database.db, { kind: 'provider_degraded', scope: 'openai', at: minutes(-30) });
    const a = await addInsight(database.db, { kind: 'runtime_unreachable', scope: 'bash-runtime-mike', at: minutes(0) });
    const b = await addInsight(database.db, { kind: 'loops_stuck', scope: 'workspace', at: minutes(9) });
    const opened = await correlateInsights(ctx(), [early, a, b]);
    expect(opened.opened?.title).toBe('Cascading failure: external runtime unreachable, stuck agentic loops');
    // The provider insight is outside the cascade's window, but a correlated incident is open: it joins.
    expect(opened.joined.map((j) => j.insightId).sort()).toEqual([early.id, a.id, b.id].sort());

    const later = await addInsight(database.db, { kind: 'routine_budget_exhausted', scope: 'daily-code-review', at: minutes(45) });
    const joined = await correlateInsights(ctx(), [later, a]);
    expect(joined.opened).toBeUndefined();
    expect(joined.joined).toEqual([{ incident: expect.objectContaining({ id: opened.opened!.id }), insightId: later.id }]);
    expect(await correlateInsights(ctx(), [later, a, b])).toEqual({ joined: [] });
  });

  it('after the incident is resolved, a new cascade opens a new incident', async () => {
    const a = await addInsight(database.db, { kind: 'runtime_unreachable', scope: 'rt-1', at: minutes(0) });
    const b = await addInsight(database.db, { kind: 'runtime_unreachable', scope: 'rt-2', at: minutes(1) });
    const first = (await correlateInsights(ctx(), [a, b])).opened!;
    expect(first.title).toBe('Cascading failure: external runtime unreachable');
    expect((await resolveIncident(ctx(), { incidentId: first.id, actor: elena })).ok).toBe(true);
    const c = await addInsight(database.db, { kind: 'mcp_server_failing', scope: 'database-query', at: minutes(60) });
    const d = await addInsight(database.db, { kind: 'provider_degraded', scope: 'openai', at: minutes(61) });
    const second = await correlateInsights(ctx(), [c, d]);
    expect(second.opened!.id).not.toBe(first.id);
    expect(await incidentInsightIds(database.db, second.opened!.id)).toEqual([c.id, d.id]);
  });

  it('two replicas correlating different batches at once open exactly one incident, each insight joined once', async () => {
    const replica: Database = kind === 'postgres' ? await openDatabase({ kind: 'postgres', url: database.url!, maxConnections: 5 }) : database;
    try {
      for (let round = 0; round < 5; round++) {
        const base = round * 100;
        const made = await Promise.all(
          ['runtime_execution_failures', 'mcp_pool_exhausted', 'provider_degraded', 'loops_stuck'].map((k, i) =>
            addInsight(database.db, { kind: k, scope: `scope-${round}`, at: minutes(base + i) }),
          ),
        );
        const one = { db: database.db, windowMinutes: 10, now: () => minutes(base + 5).getTime() };
        const two = { db: replica.db, windowMinutes: 10, now: () => minutes(base + 5).getTime() };
        const results = await Promise.all([correlateInsights(one, made.slice(0, 2)), correlateInsights(two, made.slice(1)), correlateInsights(two, made)]);
        const open = await database.db.select().from(incidents);
        expect(open.filter((r) => r.status === 'open')).toHaveLength(1);
        expect(results.filter((r) => r.opened)).toHaveLength(1);
        const reported = results.flatMap((r) => r.joined.map((j) => j.insightId)).sort();
        expect(reported).toEqual(made.map((m) => m.id).sort());
        expect((await incidentInsightIds(database.db, open.find((r) => r.status === 'open')!.id)).sort()).toEqual(made.map((m) => m.id).sort());
        await resolveIncident({ db: database.db }, { incidentId: open.find((r) => r.status === 'open')!.id, actor: elena });
      }
    } finally {
      if (replica !== database) await replica.close();
    }
  });

  describe('when an insight of a mitigated incident comes back', () => {
    /** Two critical insights open an incident; both clear, so it is mitigated; then `back` recurs. */
    const mitigatedCascade = async () => {
      const a = await addInsight(database.db, { kind: 'runtime_unreachable', scope: 'bash-runtime-mike', at: minutes(0) });
      const b = await addInsight(database.db, { kind: 'mcp_pool_exhausted', scope: 'database-query', at: minutes(1) });
      clock = minutes(1).getTime();
      const { opened } = await correlateInsights(ctx(), [a, b]);
      for (const insight of [a, b]) await setInsightStatus(database.db, insight, 'resolved', minutes(5));
      expect(await mitigateIfClear(at(6), opened!.id)).toMatchObject({ status: 'mitigated' });
      await database.db.update(insights).set({ status: 'open', resolvedAt: null, episode: 2 }).where(eq(insights.id, a.id));
      return { incident: opened!, back: (await findById(database.db, a.id))!, other: b };
    };
    const at = (n: number) => ({ db: database.db, now: () => minutes(n).getTime() });

    it('reopens that incident, in the same thread, instead of counting as a new failure', async () => {
      const { incident, back } = await mitigatedCascade();
      clock = minutes(20).getTime();
      const result = await correlateInsights(ctx(), [back]);
      expect(result.reopened?.map((i) => [i.id, i.status, i.mitigatedAt])).toEqual([[incident.id, 'open', null]]);
      expect(result.opened).toBeUndefined();
      expect(await database.db.select().from(incidents)).toHaveLength(1);
      // Reopening twice (another replica, the next evaluation) changes nothing more.
      expect((await correlateInsights(ctx(), [back])).reopened).toBeUndefined();
    });

    it('a resolved incident stays closed: the recurrence is free to start a new one', async () => {
      const { incident, back } = await mitigatedCascade();
      await resolveIncident(at(10), { incidentId: incident.id, actor: elena });
      clock = minutes(20).getTime();
      const fresh = await addInsight(database.db, { kind: 'loops_stuck', scope: 'workspace', at: minutes(19) });
      const also = await addInsight(database.db, { kind: 'provider_degraded', scope: 'openai', at: minutes(20) });
      const result = await correlateInsights(ctx(), [back, fresh, also]);
      expect(result.reopened).toBeUndefined();
      expect((await findIncident(database.db, incident.id))?.status).toBe('resolved');
      expect(result.opened?.id).not.toBe(incident.id);
      expect(await incidentInsightIds(database.db, result.opened!.id)).toEqual(expect.arrayContaining([back.id, fresh.id, also.id]));
    });
  });

  describe('with an incident declared by hand', () => {
    const declare = async (title: string, at: Date) => {
      const declared = await declareIncident({ db: database.db, now: () => at.getTime() }, { title, actor: elena, channel: 'ops' });
      return declared.ok ? declared.value : expect.unreachable(JSON.stringify(declared));
    };

    it('a cascade joins the declared incident instead of opening a correlated one beside it', async () => {
      const declared = await declare('Checkout is slow', minutes(0));
      const a = await addInsight(database.db, { kind: 'runtime_unreachable', scope: 'bash-runtime-mike', at: minutes(1) });
      const b = await addInsight(database.db, { kind: 'mcp_pool_exhausted', scope: 'database-query', at: minutes(2) });
      clock = minutes(2).getTime();
      const result = await correlateInsights(ctx(), [a, b]);
      expect(result.opened).toBeUndefined();
      expect(result.joined.map((j) => [j.incident.id, j.insightId])).toEqual([[declared.id, a.id], [declared.id, b.id]]);
      expect(await database.db.select().from(incidents)).toHaveLength(1);
    });

    it('the newest declared incident takes new insights; an open correlated one comes first', async () => {
      const older = await declare('Checkout is slow', minutes(0));
      const newer = await declare('Jira is down', minutes(1));
      const first = await addInsight(database.db, { kind: 'credential_expired', scope: 'jira-api-token', at: minutes(2) });
      expect((await correlateInsights(ctx(), [first])).joined.map((j) => j.incident.id)).toEqual([newer.id]);
      await database.db.insert(incidents).values({ title: 'Cascading failure', status: 'open', origin: 'correlated', openedBy: elena, channel: 'ops', openedAt: minutes(3), updatedAt: minutes(3) });
      const [correlated] = (await database.db.select().from(incidents)).filter((i) => i.origin === 'correlated');
      const second = await addInsight(database.db, { kind: 'runtime_unreachable', scope: 'bash-runtime-priya', at: minutes(4) });
      expect((await correlateInsights(ctx(), [second])).joined.map((j) => j.incident.id)).toEqual([correlated!.id]);
      expect(await incidentInsightIds(database.db, older.id)).toEqual([]);
    });

    it('declaring adopts the live critical and warning insights of the last window, and nothing else', async () => {
      const recent = await addInsight(database.db, { kind: 'credential_expired', scope: 'jira-api-token', at: minutes(-3) });
      const warning = await addInsight(database.db, { kind: 'probe_failing', scope: 'tickets:jira', severity: 'warning', at: minutes(-2) });
      await addInsight(database.db, { kind: 'backup_stale', scope: 'nightly', severity: 'info', at: minutes(-1) });
      await addInsight(database.db, { kind: 'runtime_unreachable', scope: 'bash-runtime-mike', at: minutes(-45) });
      const taken = await declare('Earlier incident', minutes(-40));
      const inOther = await addInsight(database.db, { kind: 'loops_stuck', scope: 'workspace', at: minutes(-1) });
      await correlateInsights(ctx(), [inOther]);
      const declared = await declare('Jira is down', minutes(0));
      const adopted = await adoptRecentInsights(ctx(), declared.id);
      expect(adopted.map((j) => j.insightId)).toEqual([recent.id, warning.id]);
      expect(await incidentInsightIds(database.db, declared.id)).toEqual([recent.id, warning.id]);
      expect(await incidentInsightIds(database.db, taken.id)).toEqual([inOther.id]);
      expect(await adoptRecentInsights(ctx(), declared.id), 'adopting twice joins nothing twice').toEqual([]);
    });
  });
});

describe('the cascading-failure title', () => {
  it('names the kinds in the order they started, once each, within 80 characters', () => {
    expect(cascadeTitle([{ kind: 'runtime_execution_failures' }, { kind: 'runtime_execution_failures' }, { kind: 'mcp_pool_exhausted' }])).toBe(
      'Cascading failure: runtime execution failures, MCP connection pool exhausted',
    );
    const long = cascadeTitle(['runtime_execution_failures', 'mcp_pool_exhausted', 'provider_degraded', 'loops_stuck', 'routine_budget_exhausted'].map((kind) => ({ kind })));
    expect(long).toBe('Cascading failure: runtime execution failures, MCP connection pool exhausted, …');
    expect(long.length).toBeLessThanOrEqual(80);
    expect(cascadeTitle([{ kind: 'some_new_kind' }, { kind: 'loops_stuck' }])).toBe('Cascading failure: some new kind, stuck agentic loops');
  });
});
