import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/actor.js';
import { decideApproval } from '../../src/approvals/decide.js';
import { budgetApprovalFor, rationaleFromEvents, requestApproval } from '../../src/approvals/request.js';
import { approvals } from '../../src/db/schema/actions.js';
import { checkEvent } from '../../src/events/envelope.js';
import type { TypedEvent } from '../../src/events/vocabulary.js';
import { createEventWriter } from '../../src/intake/event-writer.js';
import { cascadingFailure } from '../../src/platform/scenarios/cascading-failure.js';
import type { Simulator } from '../../src/platform/simulator/simulator.js';
import { ok } from '../../src/result.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { APPROVER_LIST, elena, exhaustBudget, mike, ROUTINE, routineOf, openWorkspace } from './support.js';

describe.each(databaseKinds())('requesting an approval (%s)', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;

  let close: () => Promise<void> = async () => {};
  beforeAll(async () => {
    ({ database, sim, close } = await openWorkspace(kind));
  });
  afterAll(() => close());

  const overrideFor = async (routineId: string, requestedBy = mike) => {
    await exhaustBudget(sim, routineId);
    return budgetApprovalFor(await routineOf(sim, routineId), 5, 'retry storm during the incident', requestedBy);
  };
  const rowsFor = (routineId: string) =>
    database.db.select().from(approvals).where(and(eq(approvals.targetKind, 'routine'), eq(approvals.targetId, routineId)));

  it('builds the budget override from the routine as the platform reports it: the seed numbers', async () => {
    const input = await overrideFor(ROUTINE, systemActor);
    expect(input).toEqual({
      kind: 'budget_override',
      targetKind: 'routine',
      targetId: ROUTINE,
      params: { routineId: ROUTINE, amountUsd: 5, limitUsd: 10, spentUsd: 12.47, period: 'month' },
      rationale: 'retry storm during the incident',
      requestedBy: systemActor,
    });
    const created = await requestApproval({ db: database.db, now: () => Date.parse('2026-05-03T14:01:00Z') }, { ...input, insightId: 42 });
    expect(created.ok && created.value).toMatchObject({
      status: 'pending',
      requestedBy: systemActor,
      requestedByKey: 'system:triage',
      decidedBy: null,
      insightId: 42,
      createdAt: new Date('2026-05-03T14:01:00Z'),
      params: { spentUsd: 12.47, limitUsd: 10 },
    });
  });

  it('keeps one pending approval per routine: a second request is told which one is pending', async () => {
    const input = await overrideFor('routine-twice');
    const first = await requestApproval({ db: database.db }, input);
    const second = await requestApproval({ db: database.db }, { ...input, requestedBy: elena, rationale: 'again' });
    if (!first.ok) throw new Error('the first request should be stored');
    expect(second).toEqual({ ok: false, error: { code: 'already_pending', approval: first.value } });
    expect(await rowsFor('routine-twice')).toHaveLength(1);
  });

  it('20 concurrent requests for one routine leave one row, and every caller learns its id', async () => {
    const input = await overrideFor('routine-concurrent');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => requestApproval({ db: database.db }, { ...input, requestedBy: APPROVER_LIST[i % APPROVER_LIST.length]! })),
    );
    const created = results.filter((r) => r.ok);
    expect(created).toHaveLength(1);
    const id = created[0]!.value.id;
    for (const r of results) expect(r.ok ? r.value.id : r.error.approval.id).toBe(id);
    expect(await rowsFor('routine-concurrent')).toHaveLength(1);
  });

  it('once decided, the routine can be asked for again', async () => {
    const input = await overrideFor('routine-again');
    const first = await requestApproval({ db: database.db }, input);
    if (!first.ok) throw new Error('expected a new approval');
    const ctx = { db: database.db, authorise: async () => ok(null), twoPersonRule: true, execute: async () => ok('') };
    await decideApproval(ctx, { approvalId: first.value.id, decision: 'deny', actor: elena });
    const second = await requestApproval({ db: database.db }, input);
    expect(second.ok && second.value.id).not.toBe(first.value.id);
    expect((await rowsFor('routine-again')).map((r) => r.status).sort()).toEqual(['denied', 'pending']);
  });

  it('refuses params that do not fit the kind (a bug in the caller, not an outcome)', async () => {
    const input = await overrideFor('routine-bad');
    await expect(requestApproval({ db: database.db }, { ...input, params: { ...input.params, amountUsd: -5 } } as never)).rejects.toThrow();
    expect(await rowsFor('routine-bad')).toHaveLength(0);
  });
});

describe.each(databaseKinds())('the rationale, from the routine\'s events (%s)', (kind) => {
  let database: TestDatabase;
  const start = new Date('2026-05-03T14:55:00Z');

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const writer = createEventWriter(database, { maxRowsPerFlush: 1000 });
    const scenario = cascadingFailure.build(start).map((s) => s.event);
    const extra: TypedEvent[] = [
      { id: 'calm-1', type: 'routine.run', source: 'test', occurredAt: '2026-05-03T14:20:00Z', attributes: { routine: 'weekly-report', status: 'succeeded', costUsd: 0.2 } },
      { id: 'calm-2', type: 'routine.paused', source: 'test', occurredAt: '2026-05-03T14:40:00Z', attributes: { routine: 'weekly-report', reason: 'budget_exhausted' } },
    ];
    const accepted = [...scenario, ...extra].map((e, i) => {
      const checked = checkEvent(e, i);
      if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
      return { ...checked.event, eventKey: e.id! };
    });
    await writer.write(accepted);
  });
  afterAll(async () => database?.drop());

  it('the seed: the retry storm during the incident, and when the budget ran out', async () => {
    const text = await rationaleFromEvents({ db: database.db, now: () => start.getTime() }, ROUTINE);
    // Five paid runs in the hour (the refused budget_exhausted run is the stop, not a run); three were retries.
    expect(text).toBe('5 routine runs in the last hour (retry storm during the incident): 3 retries, 4 failed; budget exhausted at 14:49 UTC');
  });

  it('a routine without a storm gets its run count and the time it stopped', async () => {
    const text = await rationaleFromEvents({ db: database.db, now: () => start.getTime() }, 'weekly-report');
    expect(text).toBe('1 routine run in the last hour; budget exhausted at 14:40 UTC');
  });

  it('without any events, the time of the request', async () => {
    const text = await rationaleFromEvents({ db: database.db, now: () => Date.parse('2026-05-03T16:07:00Z') }, 'never-heard-of');
    expect(text).toBe('budget exhausted at 16:07 UTC');
  });

  it('events from the future (a fast sender clock) are not counted', async () => {
    const text = await rationaleFromEvents({ db: database.db, now: () => Date.parse('2026-05-03T14:44:00Z') }, ROUTINE);
    // At 14:44 the storm had only begun: two retries so far, and the spend had just crossed the limit.
    expect(text).toBe('4 routine runs in the last hour (retry storm during the incident): 2 retries, 3 failed; budget exhausted at 14:44 UTC');
  });
});
