import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/actor.js';
import { decideApproval } from '../../src/approvals/decide.js';
import { findApproval, pendingApprovals, pendingBudgetOverrides } from '../../src/approvals/list.js';
import { budgetApprovalFor, requestApproval } from '../../src/approvals/request.js';
import { budgetCheck } from '../../src/doctor/checks/budget.js';
import { createSimulator, type Simulator } from '../../src/platform/simulator/simulator.js';
import { ok } from '../../src/result.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { elena, exhaustBudget, mike, ROUTINE, routineOf } from './support.js';

describe.each(databaseKinds())('what is waiting for a decision (%s)', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;
  let first = 0;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    sim = await createSimulator({ database, emit: async () => {}, restartHeartbeatDelayMs: 40 });
    const at = (minute: number) => () => Date.parse(`2026-05-03T14:${minute}:00Z`);
    for (const [routineId, requestedBy, minute] of [[ROUTINE, systemActor, 50], ['nightly-digest', mike, 51], ['routine-decided', mike, 52]] as const) {
      await exhaustBudget(sim, routineId);
      const input = budgetApprovalFor(await routineOf(sim, routineId), routineId === ROUTINE ? 5 : 20, 'retry storm during the incident', requestedBy);
      const created = await requestApproval({ db: database.db, now: at(minute) }, input);
      if (!created.ok) throw new Error('expected a new approval');
      first ||= created.value.id;
      if (routineId === 'routine-decided') {
        const ctx = { db: database.db, authorise: async () => ok(null), twoPersonRule: true, execute: async () => ok('') };
        await decideApproval(ctx, { approvalId: created.value.id, decision: 'deny', actor: elena });
      }
    }
    await requestApproval({ db: database.db, now: at(53) }, {
      kind: 'force_restart_worker',
      targetKind: 'worker',
      targetId: 'worker-3',
      params: { workerId: 'worker-3' },
      rationale: 'unresponsive for 10 minutes',
      requestedBy: mike,
    });
  });
  afterAll(async () => {
    sim?.close();
    await database?.drop();
  });

  it('lists pending approvals oldest first, decided ones left out', async () => {
    const pending = await pendingApprovals(database.db);
    expect(pending.map((a) => [a.kind, a.targetId])).toEqual([
      ['budget_override', ROUTINE],
      ['budget_override', 'nightly-digest'],
      ['force_restart_worker', 'worker-3'],
    ]);
  });

  it('gives Doctor the pending budget overrides in its shape, and Doctor lists them', async () => {
    const overrides = await pendingBudgetOverrides(database.db);
    expect(overrides).toEqual([
      { routineId: ROUTINE, amountUsd: 5, requestedBy: 'Triage' },
      { routineId: 'nightly-digest', amountUsd: 20, requestedBy: 'Mike' },
    ]);
    const finding = await budgetCheck({ platform: sim, pendingOverrides: () => pendingBudgetOverrides(database.db) }).run({
      signal: new AbortController().signal,
      now: new Date(),
    });
    expect(finding.details).toContain(`override of $5.00 for ${ROUTINE} awaiting approval (requested by Triage)`);
    expect(finding.details).toContain('override of $20.00 for nightly-digest awaiting approval (requested by Mike)');
  });

  it('finds one approval by id, to redraw its card', async () => {
    expect(await findApproval(database.db, first)).toMatchObject({ id: first, kind: 'budget_override', targetId: ROUTINE, status: 'pending' });
    expect(await findApproval(database.db, 999_999)).toBeUndefined();
    expect(await findApproval(database.db, Number.NaN)).toBeUndefined();
  });
});
