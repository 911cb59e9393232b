import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/actor.js';
import type { Db } from '../../src/db/client.js';
import { actionRequests, approvals, auditLog } from '../../src/db/schema/actions.js';
import { incidentInsights, incidents } from '../../src/db/schema/incidents.js';
import { insightHistory, insights } from '../../src/db/schema/insights.js';
import { approvalBelongs, auditBelongs, incidentScope } from '../../src/postmortem/belonging.js';
import { gatherFacts } from '../../src/postmortem/facts.js';
import { addInsight, elena, mike, minutes } from '../incidents/support.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';

const james: Actor = { platform: 'slack', userId: 'U0JAMES', name: 'James' };
const keyOf = (actor: Actor) => `${actor.platform}:${actor.userId}`;

/** An insight whose detection names `entities`, as the catalog's detections do. */
async function insightWith(db: Db, kind: string, scope: string, entities: Array<{ kind: string; id: string }>, at: Date): Promise<number> {
  const insight = await addInsight(db, { kind, scope, at });
  await db.update(insights).set({ detection: { scope, summary: `${kind} detected`, entities } }).where(eq(insights.id, insight.id));
  return insight.id;
}

async function openIncident(db: Db, insightIds: number[], window: { from: Date; until: Date }): Promise<number> {
  const [row] = await db
    .insert(incidents)
    .values({ title: 'Cascading failure', status: 'resolved', origin: 'declared', openedBy: elena, resolvedBy: elena, channel: 'ops', openedAt: window.from, resolvedAt: window.until, updatedAt: window.until })
    .returning({ id: incidents.id });
  if (insightIds.length) await db.insert(incidentInsights).values(insightIds.map((insightId) => ({ incidentId: row!.id, insightId, joinedAt: window.from })));
  return row!.id;
}

/** A button press stored as the request store stores it, subject being the card it was on. */
async function pressed(db: Db, input: { action: string; target: string; subject: string; actor: Actor; at: Date }): Promise<number> {
  const [targetKind, targetId] = input.target.split(':') as [string, string];
  const [row] = await db
    .insert(actionRequests)
    .values({
      idempotencyKey: `${input.action}-${input.target}-${input.at.getTime()}`,
      action: input.action,
      targetKind,
      targetId,
      subject: input.subject,
      actor: input.actor,
      actorKey: keyOf(input.actor),
      status: 'succeeded',
      createdAt: input.at,
      deadlineAt: new Date(input.at.getTime() + 60_000),
      finishedAt: input.at,
    })
    .returning({ id: actionRequests.id });
  return row!.id;
}

async function audited(db: Db, input: { action: string; target: string; actor: Actor; at: Date; outcome?: string; requestId?: number }): Promise<number> {
  const [row] = await db
    .insert(auditLog)
    .values({ at: input.at, actor: input.actor, actorKey: keyOf(input.actor), action: input.action, target: input.target, outcome: input.outcome ?? 'succeeded', requestId: input.requestId ?? null })
    .returning({ id: auditLog.id });
  return row!.id;
}

async function approval(db: Db, input: { routine: string; insightId: number | null; createdAt: Date; decidedAt: Date }): Promise<number> {
  const [row] = await db
    .insert(approvals)
    .values({
      kind: 'budget_override',
      targetKind: 'routine',
      targetId: input.routine,
      params: { amountUsd: 25 },
      rationale: `${input.routine} ran out of budget`,
      requestedBy: { platform: 'system', userId: 'triage', name: 'Triage' },
      requestedByKey: 'system:triage',
      status: 'approved',
      decidedBy: elena,
      decidedByKey: keyOf(elena),
      decidedAt: input.decidedAt,
      insightId: input.insightId,
      createdAt: input.createdAt,
    })
    .returning({ id: approvals.id });
  return row!.id;
}

describe.each(databaseKinds())('post-mortem facts keep what belongs to the incident on %s', (kind) => {
  let database: TestDatabase;
  const db = () => database.db;
  const window = { from: minutes(0), until: minutes(30) };
  const gather = async (incidentId: number) => (await gatherFacts(db(), incidentId, { now: minutes(60) }))!;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());
  afterEach(async () => {
    await db().delete(auditLog);
    await db().delete(approvals);
    await db().delete(actionRequests);
    await db().delete(incidentInsights);
    await db().delete(incidents);
    await db().delete(insightHistory);
    await db().delete(insights);
  });

  it('an action pressed on one of its insights is in; one pressed on another insight in the same window is out', async () => {
    const runtime = await insightWith(db(), 'runtime_unreachable', 'bash-runtime-mike', [{ kind: 'runtime', id: 'bash-runtime-mike' }], minutes(-2));
    const other = await insightWith(db(), 'mcp_server_failing', 'github', [{ kind: 'mcp_server', id: 'github' }], minutes(1));
    const incidentId = await openIncident(db(), [runtime], window);
    // The worker is not among the insight's entities: only the card it was pressed on ties it here.
    const ours = await pressed(db(), { action: 'restart_worker', target: 'worker:w-7', subject: `insight:${runtime}`, actor: james, at: minutes(5) });
    const theirs = await pressed(db(), { action: 'restart_mcp_server', target: 'mcp_server:github', subject: `insight:${other}`, actor: mike, at: minutes(6) });
    const done = await audited(db(), { action: 'restart_worker', target: 'worker:w-7', actor: james, at: minutes(5), requestId: ours });
    await audited(db(), { action: 'restart_mcp_server', target: 'mcp_server:github', actor: mike, at: minutes(6), requestId: theirs });

    const facts = await gather(incidentId);
    expect(facts.audit.map((a) => a.id)).toEqual([done]);
    expect(facts.audit[0]).toMatchObject({ actor: 'James', action: 'restart_worker', target: 'worker:w-7', outcome: 'succeeded' });
  });

  it('two overlapping incidents each get their own actions', async () => {
    const runtime = await insightWith(db(), 'runtime_unreachable', 'bash-runtime-mike', [{ kind: 'runtime', id: 'bash-runtime-mike' }], minutes(0));
    const mcp = await insightWith(db(), 'mcp_server_failing', 'github', [{ kind: 'mcp_server', id: 'github' }], minutes(1));
    const first = await openIncident(db(), [runtime], window);
    const second = await openIncident(db(), [mcp], { from: minutes(2), until: minutes(20) });
    const restart = await audited(db(), { action: 'restart_runtime', target: 'runtime:bash-runtime-mike', actor: james, at: minutes(10), requestId: await pressed(db(), { action: 'restart_runtime', target: 'runtime:bash-runtime-mike', subject: `insight:${runtime}`, actor: james, at: minutes(10) }) });
    const github = await audited(db(), { action: 'restart_mcp_server', target: 'mcp_server:github', actor: mike, at: minutes(11), requestId: await pressed(db(), { action: 'restart_mcp_server', target: 'mcp_server:github', subject: `insight:${mcp}`, actor: mike, at: minutes(11) }) });

    expect((await gather(first)).audit.map((a) => a.id)).toEqual([restart]);
    expect((await gather(second)).audit.map((a) => a.id)).toEqual([github]);
  });

  it("an approval from one of its insights and its decision are in; another insight's approval and decision are out", async () => {
    const budget = await insightWith(db(), 'routine_budget_exhausted', 'daily-code-review', [{ kind: 'routine', id: 'daily-code-review' }], minutes(-3));
    const other = await insightWith(db(), 'routine_budget_exhausted', 'nightly-digest', [{ kind: 'routine', id: 'nightly-digest' }], minutes(2));
    const incidentId = await openIncident(db(), [budget], window);
    const ours = await approval(db(), { routine: 'daily-code-review', insightId: budget, createdAt: minutes(-3), decidedAt: minutes(8) });
    const theirs = await approval(db(), { routine: 'nightly-digest', insightId: other, createdAt: minutes(2), decidedAt: minutes(9) });
    const decided = await audited(db(), { action: 'approve_budget_override', target: `approval:${ours}`, actor: elena, at: minutes(8), outcome: 'approved' });
    await audited(db(), { action: 'approve_budget_override', target: `approval:${theirs}`, actor: elena, at: minutes(9), outcome: 'approved' });
    // A button on the approval's own card is traced through it too.
    const events = await audited(db(), { action: 'cancel_loop', target: 'loop:l-3', actor: mike, at: minutes(10), requestId: await pressed(db(), { action: 'cancel_loop', target: 'loop:l-3', subject: `approval:${ours}`, actor: mike, at: minutes(10) }) });
    await audited(db(), { action: 'cancel_loop', target: 'loop:l-4', actor: mike, at: minutes(11), requestId: await pressed(db(), { action: 'cancel_loop', target: 'loop:l-4', subject: `approval:${theirs}`, actor: mike, at: minutes(11) }) });

    const facts = await gather(incidentId);
    expect(facts.approvals.map((a) => a.id)).toEqual([ours]);
    expect(facts.approvals[0]).toMatchObject({ target: 'routine:daily-code-review', status: 'approved', decidedBy: 'Elena' });
    expect(facts.audit.map((a) => a.id)).toEqual([decided, events]);
  });

  it('an approval on one of its entities is in even when no insight asked for it', async () => {
    const budget = await insightWith(db(), 'routine_budget_exhausted', 'daily-code-review', [{ kind: 'routine', id: 'daily-code-review' }], minutes(-3));
    const incidentId = await openIncident(db(), [budget], window);
    const byHand = await approval(db(), { routine: 'daily-code-review', insightId: null, createdAt: minutes(4), decidedAt: minutes(5) });
    await approval(db(), { routine: 'nightly-digest', insightId: null, createdAt: minutes(4), decidedAt: minutes(5) });

    expect((await gather(incidentId)).approvals.map((a) => a.id)).toEqual([byHand]);
  });

  it('a row on one of its entities or on the incident itself is in without a request; one on anything else is out', async () => {
    const runtime = await insightWith(db(), 'runtime_unreachable', 'bash-runtime-mike', [{ kind: 'runtime', id: 'bash-runtime-mike' }], minutes(0));
    const incidentId = await openIncident(db(), [runtime], window);
    const refused = await audited(db(), { action: 'restart_runtime', target: 'runtime:bash-runtime-mike', actor: mike, at: minutes(3), outcome: 'refused' });
    await audited(db(), { action: 'restart_runtime', target: 'runtime:bash-runtime-sofia', actor: mike, at: minutes(4) });
    const onIncident = await audited(db(), { action: 'resolve_incident', target: `incident:${incidentId}`, actor: elena, at: minutes(29) });
    await audited(db(), { action: 'resolve_incident', target: `incident:${incidentId + 1}`, actor: elena, at: minutes(29) });

    expect((await gather(incidentId)).audit.map((a) => a.id)).toEqual([refused, onIncident]);
  });

  it('rows outside the window are out even when they belong, and unrelated ones inside it too', async () => {
    const budget = await insightWith(db(), 'routine_budget_exhausted', 'daily-code-review', [{ kind: 'routine', id: 'daily-code-review' }], minutes(-20));
    const incidentId = await openIncident(db(), [budget], window);
    const before = await approval(db(), { routine: 'daily-code-review', insightId: budget, createdAt: minutes(-20), decidedAt: minutes(-10) });
    await audited(db(), { action: 'approve_budget_override', target: `approval:${before}`, actor: elena, at: minutes(-10), outcome: 'approved' });
    await audited(db(), { action: 'request_budget_override', target: 'routine:daily-code-review', actor: mike, at: minutes(31), outcome: 'requested' });
    const during = await audited(db(), { action: 'request_budget_override', target: 'routine:daily-code-review', actor: mike, at: minutes(30), outcome: 'requested' });
    await audited(db(), { action: 'request_budget_override', target: 'routine:nightly-digest', actor: mike, at: minutes(15), outcome: 'requested' });
    await approval(db(), { routine: 'nightly-digest', insightId: null, createdAt: minutes(14), decidedAt: minutes(15) });

    const facts = await gather(incidentId);
    expect(facts.approvals).toEqual([]);
    expect(facts.audit.map((a) => a.id)).toEqual([during]);
  });
});

describe('belonging to an incident', () => {
  const scope = incidentScope(3, [
    { id: 10, entities: [{ kind: 'runtime', id: 'bash-runtime-mike' }] },
    { id: 11, entities: [{ kind: 'routine', id: 'daily-code-review' }] },
  ]);
  const context = { subjects: new Map<number, string | null>([[1, 'insight:10'], [2, 'insight:99'], [3, 'approval:7'], [4, 'approval:8'], [5, 'doctor_run:10'], [6, null]]), approvalIds: new Set([7]) };
  const belongs = (target: string, requestId: number | null = null) => auditBelongs(scope, { target, requestId }, context);

  it('an approval belongs by its insight or by its target, and by nothing else', () => {
    expect(approvalBelongs(scope, { insightId: 11, targetKind: 'routine', targetId: 'nightly-digest' })).toBe(true);
    expect(approvalBelongs(scope, { insightId: null, targetKind: 'routine', targetId: 'daily-code-review' })).toBe(true);
    expect(approvalBelongs(scope, { insightId: 12, targetKind: 'routine', targetId: 'nightly-digest' })).toBe(false);
    expect(approvalBelongs(scope, { insightId: null, targetKind: 'worker', targetId: 'daily-code-review' })).toBe(false);
  });

  it("an audit row belongs through its request's subject, an approval it decides, its target, or the incident, and nothing else", () => {
    expect([...scope.entityKeys]).toEqual(['runtime:bash-runtime-mike', 'routine:daily-code-review']);
    expect(belongs('worker:w-7', 1)).toBe(true);
    expect(belongs('worker:w-7', 3)).toBe(true);
    expect(belongs('approval:7')).toBe(true);
    expect(belongs('runtime:bash-runtime-mike')).toBe(true);
    expect(belongs('incident:3')).toBe(true);
    // However close the strings.
    expect(belongs('worker:w-7', 2)).toBe(false);
    expect(belongs('worker:w-7', 4)).toBe(false);
    expect(belongs('worker:w-7', 5)).toBe(false);
    expect(belongs('worker:w-7', 6)).toBe(false);
    expect(belongs('worker:w-7', 404)).toBe(false);
    expect(belongs('approval:8')).toBe(false);
    expect(belongs('approval:70')).toBe(false);
    expect(belongs('runtime:bash-runtime-sofia')).toBe(false);
    expect(belongs('incident:30')).toBe(false);
    expect(belongs('incident:3x')).toBe(false);
  });
});
