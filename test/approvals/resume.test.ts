import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideApproval } from '../../src/approvals/decide.js';
import { executeApproval } from '../../src/approvals/execute.js';
import type { Approval } from '../../src/approvals/model.js';
import { budgetApprovalFor, requestApproval } from '../../src/approvals/request.js';
import { resumeInterrupted } from '../../src/approvals/resume.js';
import { approvals } from '../../src/db/schema/actions.js';
import type { Simulator } from '../../src/platform/simulator/simulator.js';
import { stored as event } from '../platform/support.js';
import { databaseKinds, type TestDatabase } from '../support/databases.js';
import { allowEveryone, countingPlatform, elena, exhaustBudget, mike, routineOf, openWorkspace } from './support.js';

const MINUTES = 60_000;
/** What a replica that dies mid-execution leaves behind: the execution never comes back. */
const dies = () => new Promise<never>(() => {});

/**
 * An approval decided by a replica that then died (src/approvals/resume.ts): the row says
 * "approved, not carried out", and the sweep finishes it once, never twice on the platform.
 */
describe.each(databaseKinds())('approvals interrupted by a crash (%s)', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;
  let close: () => Promise<void> = async () => {};
  beforeAll(async () => {
    ({ database, sim, close } = await openWorkspace(kind));
  });
  afterAll(() => close());

  async function pendingOverride(routineId: string) {
    await exhaustBudget(sim, routineId);
    const requested = await requestApproval({ db: database.db }, budgetApprovalFor(await routineOf(sim, routineId), 5, 'retry storm', mike));
    if (!requested.ok) throw new Error('expected a new approval');
    return requested.value;
  }
  /** Elena approves; the replica carrying it out dies at `execute`. */
  const approveAndDie = (approval: Approval, execute: (a: Approval) => Promise<never>) =>
    void decideApproval({ db: database.db, authorise: allowEveryone, twoPersonRule: true, execute }, { approvalId: approval.id, decision: 'approve', actor: elena });
  const row = async (id: number) => (await database.db.select().from(approvals).where(eq(approvals.id, id)))[0]!;
  const decided = async (id: number) => {
    for (let i = 0; i < 100 && (await row(id)).status === 'pending'; i++) await new Promise((r) => setTimeout(r, 20));
  };

  it('carries out, once, an override approved by a replica that died before reaching the platform', async () => {
    const approval = await pendingOverride('routine-died-before');
    approveAndDie(approval, dies);
    await decided(approval.id);
    expect(await row(approval.id)).toMatchObject({ status: 'approved', outcome: null });

    const counter = countingPlatform(sim);
    const sweep = () => resumeInterrupted({ db: database.db, platform: sim, execute: executeApproval(counter.platform), now: () => Date.now() + 3 * MINUTES });
    expect((await sweep()).map((r) => r.how)).toEqual(['executed']);
    expect(await sweep()).toEqual([]);

    expect(counter.grants).toEqual([{ routineId: 'routine-died-before', amountUsd: 5 }]);
    expect(await row(approval.id)).toMatchObject({ status: 'approved', outcome: 'new limit $15.00 · routine unpaused' });
    expect((await routineOf(sim, 'routine-died-before')).budgetLimitUsd).toBe(15);
  });

  it('does not grant twice an override the platform applied just before the replica died: it reads the limit back', async () => {
    const approval = await pendingOverride('routine-died-after');
    approveAndDie(approval, async (a) => {
      if (a.kind === 'budget_override') await sim.grantBudgetOverride(a.params.routineId, a.params.amountUsd);
      return dies();
    });
    await decided(approval.id);
    await new Promise((r) => setTimeout(r, 100));

    const counter = countingPlatform(sim);
    const resumed = await resumeInterrupted({ db: database.db, platform: sim, execute: executeApproval(counter.platform), now: () => Date.now() + 3 * MINUTES });

    expect(resumed.map((r) => r.how)).toEqual(['found_done']);
    expect(counter.grants).toEqual([]);
    expect((await routineOf(sim, 'routine-died-after')).budgetLimitUsd).toBe(15);
    expect((await row(approval.id)).outcome).toBe('new limit $15.00 · routine unpaused (applied before Triage restarted)');
  });

  it('fails, in words, an action whose effect cannot be read back, rather than sending it again', async () => {
    const requested = await requestApproval(
      { db: database.db },
      { kind: 'force_restart_worker', targetKind: 'worker', targetId: 'worker-3', params: { workerId: 'worker-3' }, rationale: 'stuck', requestedBy: mike },
    );
    if (!requested.ok) throw new Error('expected a new approval');
    approveAndDie(requested.value, dies);
    await decided(requested.value.id);
    let restarts = 0;
    const execute = async () => {
      restarts++;
      return { ok: true as const, value: 'restarted' };
    };
    const resumed = await resumeInterrupted({ db: database.db, platform: sim, execute, now: () => Date.now() + 3 * MINUTES });
    expect(resumed.map((r) => r.how)).toEqual(['unknown']);
    expect(restarts).toBe(0);
    expect(await row(requested.value.id)).toMatchObject({ status: 'failed' });
    expect((await row(requested.value.id)).outcome).toContain('whether the platform did it is not known');
  });

  it('reads a workstream rollback back: done before the crash is recorded, not done is carried out once', async () => {
    const ask = async (workstreamId: string) => {
      await sim.applyEvents([event('task.state', { taskId: `${workstreamId}-t1`, state: 'failed', workstream: workstreamId }), event('workstream.state', { workstream: workstreamId, state: 'failed' })]);
      const requested = await requestApproval(
        { db: database.db },
        { kind: 'rollback_workstream', targetKind: 'workstream', targetId: workstreamId, params: { workstreamId }, rationale: 'failed tasks', requestedBy: mike },
      );
      if (!requested.ok) throw new Error('expected a new approval');
      return requested.value;
    };
    const doneFirst = await ask('ws-died-after');
    approveAndDie(doneFirst, async () => {
      await sim.rollbackWorkstream('ws-died-after');
      return dies();
    });
    const notDone = await ask('ws-died-before');
    approveAndDie(notDone, dies);
    await decided(doneFirst.id);
    await decided(notDone.id);
    await new Promise((r) => setTimeout(r, 100));

    const counter = countingPlatform(sim);
    const resumed = await resumeInterrupted({ db: database.db, platform: sim, execute: executeApproval(counter.platform), now: () => Date.now() + 3 * MINUTES });
    expect(Object.fromEntries(resumed.map((r) => [r.approval.targetId, r.how]))).toEqual({ 'ws-died-after': 'found_done', 'ws-died-before': 'executed' });
    expect((await row(doneFirst.id)).outcome).toBe('workstream rolled back to its last checkpoint (applied before Triage restarted)');
    expect((await row(notDone.id)).outcome).toMatch(/^workstream rolled back to its last checkpoint · 1 task pending again \(ws-died-before-t1\)/);
  });

  it('leaves alone an execution still within its deadline (it may be running on another replica)', async () => {
    const approval = await pendingOverride('routine-still-running');
    approveAndDie(approval, dies);
    await decided(approval.id);
    const counter = countingPlatform(sim);
    expect(await resumeInterrupted({ db: database.db, platform: sim, execute: executeApproval(counter.platform), now: () => Date.now() + 30_000 })).toEqual([]);
    expect(counter.grants).toEqual([]);
  });
});
