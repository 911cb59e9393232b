import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/actor.js';
import { approvalCard, approvalReply } from '../../src/approvals/card.js';
import { decideApproval, type DecideContext } from '../../src/approvals/decide.js';
import { executeApproval } from '../../src/approvals/execute.js';
import { budgetApprovalFor, requestApproval } from '../../src/approvals/request.js';
import { approvals } from '../../src/db/schema/actions.js';
import { platformRoutines } from '../../src/db/schema/platform.js';
import type { Simulator } from '../../src/platform/simulator/simulator.js';
import { err } from '../../src/result.js';
import { stored as event } from '../platform/support.js';
import { databaseKinds, type TestDatabase } from '../support/databases.js';
import { allowEveryone, APPROVER_LIST, countingPlatform, elena, exhaustBudget, james, mike, priya, routineOf, openWorkspace } from './support.js';

const APPROVERS = APPROVER_LIST;
const key = (a: Actor) => `${a.platform}:${a.userId}`;

describe.each(databaseKinds())('deciding an approval (%s)', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;

  let close: () => Promise<void> = async () => {};
  beforeAll(async () => {
    ({ database, sim, close } = await openWorkspace(kind));
  });
  afterAll(() => close());

  /** A routine in the seed's state with a pending +$5.00 override requested by Mike. */
  async function pendingOverride(routineId: string, requestedBy: Actor = mike) {
    await exhaustBudget(sim, routineId);
    const input = budgetApprovalFor(await routineOf(sim, routineId), 5, 'retry storm during the incident', requestedBy);
    const requested = await requestApproval({ db: database.db }, input);
    if (!requested.ok) throw new Error('expected a new approval');
    return requested.value;
  }

  function context(overrides: Partial<DecideContext> = {}) {
    const counter = countingPlatform(sim);
    const ctx: DecideContext = { db: database.db, authorise: allowEveryone, twoPersonRule: true, execute: executeApproval(counter.platform), ...overrides };
    return { ctx, grants: counter.grants };
  }

  const stored = async (id: number) => (await database.db.select().from(approvals).where(eq(approvals.id, id)))[0]!;

  it('of 50 concurrent Approve and Deny clicks from five approvers exactly one decides, and the platform hears at most once', async () => {
    const approval = await pendingOverride('routine-mixed');
    const { ctx, grants } = context();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        decideApproval(ctx, { approvalId: approval.id, decision: i % 2 === 0 ? 'approve' : 'deny', actor: APPROVERS[i % APPROVERS.length]! }),
      ),
    );
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!.value;
    const losers = results.flatMap((r) => (r.ok ? [] : [r.error]));
    expect(losers).toHaveLength(49);
    for (const loser of losers) {
      expect(loser.code).toBe('already_decided');
      if (loser.code === 'already_decided') expect(loser.approval.decidedByKey).toBe(winner.decidedByKey);
    }
    const row = await stored(approval.id);
    const routine = await routineOf(sim, 'routine-mixed');
    if (winner.status === 'approved') {
      expect(grants).toEqual([{ routineId: 'routine-mixed', amountUsd: 5 }]);
      expect(routine).toMatchObject({ budgetLimitUsd: 15, status: 'active' });
      expect(row.outcome).toBe('new limit $15.00 · routine unpaused');
    } else {
      expect(winner.status).toBe('denied');
      expect(grants).toEqual([]);
      expect(routine).toMatchObject({ budgetLimitUsd: 10, status: 'paused' });
    }
    expect(row.status).toBe(winner.status);
    const label = winner.decidedBy!.name!;
    expect(approvalReply(losers[0]!)).toMatch(new RegExp(`^Already (approved|denied) by ${label} at \\d\\d:\\d\\d UTC`));
  });

  it('50 concurrent Approve clicks grant the override exactly once', async () => {
    const approval = await pendingOverride('routine-approve-storm');
    const { ctx, grants } = context();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => decideApproval(ctx, { approvalId: approval.id, decision: 'approve', actor: APPROVERS[i % APPROVERS.length]! })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error.code === 'already_decided')).toHaveLength(49);
    expect(grants).toHaveLength(1);
    expect(await routineOf(sim, 'routine-approve-storm')).toMatchObject({ budgetLimitUsd: 15, status: 'active', pausedReason: null });
  });

  it('two-person rule: the requester cannot approve their own request; another approver can', async () => {
    const approval = await pendingOverride('routine-own', mike);
    const { ctx, grants } = context();
    const own = await decideApproval(ctx, { approvalId: approval.id, decision: 'approve', actor: mike });
    expect(own).toEqual({ ok: false, error: { code: 'own_request', requestedBy: 'Mike' } });
    expect(approvalReply(own.ok ? (undefined as never) : own.error)).toContain('two-person rule');
    expect((await stored(approval.id)).status).toBe('pending');
    expect(grants).toEqual([]);

    const other = await decideApproval(ctx, { approvalId: approval.id, decision: 'approve', actor: elena });
    expect(other.ok && other.value).toMatchObject({ status: 'approved', decidedByKey: key(elena), outcome: 'new limit $15.00 · routine unpaused' });
    expect(grants).toHaveLength(1);
  });

  it('two-person rule: the requester may still withdraw (deny) their own request', async () => {
    const approval = await pendingOverride('routine-withdraw', mike);
    const { ctx, grants } = context();
    const withdrawn = await decideApproval(ctx, { approvalId: approval.id, decision: 'deny', actor: mike });
    expect(withdrawn.ok && withdrawn.value.status).toBe('denied');
    expect(grants).toEqual([]);
  });

  it('with the two-person rule off, the requester may approve their own request', async () => {
    const approval = await pendingOverride('routine-solo', mike);
    const { ctx, grants } = context({ twoPersonRule: false });
    const result = await decideApproval(ctx, { approvalId: approval.id, decision: 'approve', actor: mike });
    expect(result.ok && result.value).toMatchObject({ status: 'approved', decidedByKey: key(mike) });
    expect(grants).toHaveLength(1);
  });

  it('someone without the role is refused with the reason, and nothing changes', async () => {
    const approval = await pendingOverride('routine-forbidden');
    const message = 'Approving a budget override needs the approver role; approvers: Elena, James.';
    const { ctx, grants } = context({ authorise: async () => err({ message }) });
    const result = await decideApproval(ctx, { approvalId: approval.id, decision: 'approve', actor: priya });
    expect(result).toEqual({ ok: false, error: { code: 'forbidden', message } });
    expect(approvalReply({ code: 'forbidden', message })).toBe(message);
    expect((await stored(approval.id)).status).toBe('pending');
    expect(grants).toEqual([]);
  });

  it('Deny leaves the routine paused and the card says who denied it', async () => {
    const approval = await pendingOverride('routine-denied');
    const { ctx, grants } = context({ now: () => Date.parse('2026-05-03T14:02:30Z') });
    const result = await decideApproval(ctx, { approvalId: approval.id, decision: 'deny', actor: elena });
    if (!result.ok) throw new Error(result.error.code);
    expect(result.value).toMatchObject({ status: 'denied', outcome: null, decidedAt: new Date('2026-05-03T14:02:30Z') });
    expect(grants).toEqual([]);
    expect(await routineOf(sim, 'routine-denied')).toMatchObject({ status: 'paused', budgetLimitUsd: 10 });
    const card = approvalCard(result.value);
    expect(card).toMatchObject({ state: 'denied', actions: [] });
    expect(card.context).toMatch(/^Denied by Elena at 14:02 UTC/);
    expect(card.text).toContain('The routine stays paused.');
  });

  it('an approval the platform refuses ends failed, with the reason on the card and in late answers', async () => {
    const approval = await pendingOverride('routine-gone');
    // The routine disappears from the platform before anyone approves.
    await database.db.delete(platformRoutines).where(eq(platformRoutines.id, 'routine-gone'));
    const { ctx, grants } = context({ now: () => Date.parse('2026-05-03T14:02:00Z') });
    const result = await decideApproval(ctx, { approvalId: approval.id, decision: 'approve', actor: elena });
    if (!result.ok) throw new Error(result.error.code);
    expect(result.value).toMatchObject({ status: 'failed', outcome: 'no routine named routine-gone' });
    expect(grants).toHaveLength(1);
    const card = approvalCard(result.value);
    expect(card.state).toBe('denied');
    expect(card.context).toContain('Approved by Elena at 14:02 UTC, but the platform refused: no routine named routine-gone');
    const late = await decideApproval(ctx, { approvalId: approval.id, decision: 'approve', actor: james });
    expect(late.ok).toBe(false);
    if (!late.ok) expect(approvalReply(late.error)).toBe('Already approved by Elena at 14:02 UTC, but the platform refused: no routine named routine-gone. Your click changed nothing.');
  });

  it('an execution that throws is recorded as failed, never left approved and silent', async () => {
    const approval = await pendingOverride('routine-throws');
    const { ctx } = context({ execute: () => Promise.reject(new Error('platform connection reset')) });
    const result = await decideApproval(ctx, { approvalId: approval.id, decision: 'approve', actor: elena });
    expect(result.ok && result.value).toMatchObject({ status: 'failed', outcome: 'platform connection reset' });
  });

  it('other irreversible actions pass the same gate: a forced worker restart runs once, on approval', async () => {
    const before = await sim.listTasks();
    if (!before.ok) throw new Error(before.error.message);
    const busy = before.value.find((t) => t.state === 'executing' && t.workerId)?.workerId;
    if (!busy) throw new Error('the seed has no executing task');
    const requested = await requestApproval({ db: database.db }, {
      kind: 'force_restart_worker',
      targetKind: 'worker',
      targetId: busy,
      params: { workerId: busy },
      rationale: 'unresponsive for 10 minutes',
      requestedBy: mike,
    });
    if (!requested.ok) throw new Error('expected a new approval');
    const { ctx } = context();
    expect((await decideApproval(ctx, { approvalId: requested.value.id, decision: 'approve', actor: mike })).ok).toBe(false);
    const result = await decideApproval(ctx, { approvalId: requested.value.id, decision: 'approve', actor: elena });
    expect(result.ok && result.value).toMatchObject({ status: 'approved', outcome: expect.stringMatching(/^worker restarted · \d+ tasks? reassigned$/) });
    const tasks = await sim.listTasks();
    expect(tasks.ok && tasks.value.filter((t) => t.workerId === busy && t.state === 'executing')).toEqual([]);
  });

  it('an approved workstream rollback rolls it back to its last checkpoint; one the platform refuses ends failed with its reason', async () => {
    await sim.applyEvents([
      event('task.state', { taskId: 'task-decide-1', state: 'failed', workstream: 'ws-decide' }),
      event('task.state', { taskId: 'task-decide-2', state: 'completed', workstream: 'ws-decide' }),
      event('workstream.state', { workstream: 'ws-decide', state: 'failed', failedTasks: 1 }),
    ]);
    const ask = async (workstreamId: string) => {
      const requested = await requestApproval({ db: database.db }, {
        kind: 'rollback_workstream',
        targetKind: 'workstream',
        targetId: workstreamId,
        params: { workstreamId },
        rationale: '1 failed task',
        requestedBy: mike,
      });
      if (!requested.ok) throw new Error('expected a new approval');
      return decideApproval(context().ctx, { approvalId: requested.value.id, decision: 'approve', actor: elena });
    };
    const rolled = await ask('ws-decide');
    expect(rolled.ok && rolled.value).toMatchObject({ status: 'approved', outcome: 'workstream rolled back to its last checkpoint · 1 task pending again (task-decide-1) · 0 tasks cancelled; completed tasks kept' });
    const workstreams = await sim.listWorkstreams();
    expect(workstreams.ok && workstreams.value.find((w) => w.id === 'ws-decide')?.state).toBe('rolled_back');
    const unknown = await ask('ws-nowhere');
    expect(unknown.ok && unknown.value).toMatchObject({ status: 'failed', outcome: 'no workstream named ws-nowhere' });
  });

  it('an unknown approval is not found', async () => {
    const { ctx } = context();
    expect(await decideApproval(ctx, { approvalId: 987_654, decision: 'approve', actor: elena })).toEqual({ ok: false, error: { code: 'not_found' } });
    expect(approvalReply({ code: 'not_found' })).toMatch(/no longer exists/);
  });
});
