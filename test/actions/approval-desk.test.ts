import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/actor.js';
import { createApprovalDesk } from '../../src/actions/approval-desk.js';
import { createInteractions } from '../../src/actions/interactions.js';
import { buildActionId } from '../../src/chat/action-id.js';
import { createCommands } from '../../src/commands/index.js';
import { ApprovalsConfig } from '../../src/config.js';
import { approvals, auditLog } from '../../src/db/schema/actions.js';
import { createInsightLifecycle } from '../../src/insights/lifecycle.js';
import { Insight } from '../../src/insights/insight.js';
import { createEventWriter } from '../../src/intake/event-writer.js';
import type { Simulator } from '../../src/platform/simulator/simulator.js';
import { exhaustBudget, routineOf } from '../approvals/support.js';
import { unusedCommandDeps } from '../commands/support.js';
import { stored } from '../platform/support.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { alex, authoriserFor, countingPlatform, elena, james, loopedSimulator, message, mike, omar, quiet, recordingSink, sofia } from './support.js';

const APPROVERS = [elena, james, sofia, alex];

describe.each(databaseKinds())('the approval desk from chat (%s)', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    sim = await loopedSimulator(database, 50);
  });
  afterAll(async () => {
    sim?.close();
    await database?.drop();
  });

  function harness() {
    const counter = countingPlatform(sim);
    const cards = recordingSink();
    const desk = createApprovalDesk({
      db: database.db,
      authoriser: authoriserFor(),
      twoPersonRule: true,
      platform: counter.platform,
      config: ApprovalsConfig.parse({}),
      showCard: cards.sink,
      channel: 'ops',
      logger: quiet,
    });
    const lifecycle = createInsightLifecycle({ database, publisher: async () => {}, suppressMinutes: 60 });
    const interactions = createInteractions({ commands: createCommands({ ...unusedCommandDeps, requestBudget: desk.requestBudget }), lifecycle, suppressMinutes: 60, approvals: desk });
    const click = (actionId: string, actor: Actor) => interactions.click({ actionId, actor, message });
    const budget = (text: string, actor: Actor) => interactions.command({ command: '/budget', text, actor, channel: 'ops', platform: 'slack' });
    return { ...counter, cards, desk, click, budget };
  }

  const auditOf = (approvalId: number) =>
    database.db.select().from(auditLog).where(eq(auditLog.target, `approval:${approvalId}`)).orderBy(asc(auditLog.id));
  const approvalsFor = (targetId: string) => database.db.select().from(approvals).where(eq(approvals.targetId, targetId)).orderBy(asc(approvals.id));
  const buttons = (cards: ReturnType<typeof recordingSink>, approvalId: number) => {
    const [card] = cards.of(`approval:${approvalId}`);
    return Object.fromEntries(card!.actions.map((a) => [a.label, a.id]));
  };

  it('of 50 concurrent Approve and Deny clicks from four approvers one decides, the platform hears at most once, the rest are told', async () => {
    const { budget, click, cards, count } = harness();
    await exhaustBudget(sim, 'daily-code-review');
    expect(await budget('request daily-code-review 5 retry storm during the incident', mike)).toEqual({
      visibility: 'private',
      text: 'Requested +$5.00 for daily-code-review; the approvers have been asked in #ops.',
    });
    const [approval] = await approvalsFor('daily-code-review');
    const subject = { kind: 'approval', id: String(approval!.id) };
    const target = { kind: 'routine', id: 'daily-code-review' };
    const ids = buttons(cards, approval!.id);
    expect(ids.Approve).toBe(buildActionId({ action: 'approve_budget_override', subject, target }));
    expect(ids.Deny).toBe(buildActionId({ action: 'deny_budget_override', subject, target }));

    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => click(i % 2 ? ids.Deny! : ids.Approve!, APPROVERS[i % APPROVERS.length]!)));

    const [decided] = await approvalsFor('daily-code-review');
    const winners = replies.filter((r) => /^(Approved|Denied)/.test(r.text));
    expect(winners).toHaveLength(1);
    const late = replies.filter((r) => r.text.startsWith('Already '));
    expect(late).toHaveLength(49);
    const by = (decided!.decidedBy as Actor).name!;
    for (const reply of late) {
      expect(reply.visibility).toBe('private');
      expect(reply.text).toMatch(new RegExp(`^Already ${decided!.status} by ${by} at \\d\\d:\\d\\d UTC.*Your click changed nothing\\.$`));
    }
    if (decided!.status === 'approved') {
      expect(count('grantBudgetOverride')).toBe(1);
      expect(winners[0]!.text).toBe('Approved: new limit $15.00 · routine unpaused. The card shows your decision to everyone.');
      expect(await routineOf(sim, 'daily-code-review')).toMatchObject({ budgetLimitUsd: 15, status: 'active' });
    } else {
      expect(decided!.status).toBe('denied');
      expect(count('grantBudgetOverride')).toBe(0);
      expect(winners[0]!.text).toBe('Denied. The card shows your decision to everyone.');
    }
    const audit = await auditOf(approval!.id);
    expect(audit.filter((a) => a.outcome === decided!.status)).toHaveLength(1);
    expect(audit.filter((a) => a.outcome === 'refused')).toHaveLength(49);
    // The card was posted pending and updated once, by the winner.
    expect(cards.of(`approval:${approval!.id}`).map((c) => c.state)).toEqual(['pending', decided!.status]);
  });

  it('the two-person rule: whoever asked with /budget cannot approve it, another approver can', async () => {
    const { budget, click, cards, count } = harness();
    await exhaustBudget(sim, 'weekly-dependency-audit');
    await budget('request weekly-dependency-audit 5 storm', elena);
    const [approval] = await approvalsFor('weekly-dependency-audit');
    const ids = buttons(cards, approval!.id);

    const own = await click(ids.Approve!, elena);
    expect(own).toEqual({
      visibility: 'private',
      text: 'You (Elena) asked for this yourself, and the two-person rule needs a different approver to approve it. Nothing was done; ask another approver.',
    });
    expect(count('grantBudgetOverride')).toBe(0);
    expect((await approvalsFor('weekly-dependency-audit'))[0]).toMatchObject({ status: 'pending' });
    expect((await auditOf(approval!.id)).map((a) => [a.actorKey, a.outcome])).toEqual([['slack:U0ELENA', 'refused']]);

    expect((await click(ids.Approve!, james)).text).toMatch(/^Approved: new limit \$\d+\.\d\d · routine unpaused\./);
    expect(count('grantBudgetOverride')).toBe(1);
  });

  it('a viewer cannot decide, and is told who can', async () => {
    const { budget, click, cards } = harness();
    await exhaustBudget(sim, 'nightly-data-sync');
    await budget('request nightly-data-sync 2 storm', mike);
    const [approval] = await approvalsFor('nightly-data-sync');
    const reply = await click(buttons(cards, approval!.id).Approve!, omar);
    expect(reply.text).toMatch(/^Approving a budget override needs the approver role; you are a viewer\. Ask someone who has it: slack:U0ELENA.*Nothing was done\.$/);
    expect((await approvalsFor('nightly-data-sync'))[0]).toMatchObject({ status: 'pending' });
    // Clean up for the next test: the pending one is withdrawn.
    await click(buttons(cards, approval!.id).Deny!, elena);
  });

  it('fromInsights asks once per budget insight, even when called again, and keeps its one card up to date until decided', async () => {
    const { desk, cards, click } = harness();
    await exhaustBudget(sim, 'nightly-data-sync');
    const insight = budgetInsight(9001, 'nightly-data-sync');
    await desk.fromInsights([insight]);
    await desk.fromInsights([insight]);
    await Promise.all([desk.fromInsights([insight]), desk.fromInsights([insight])]);
    const asked = await database.db.select().from(approvals).where(and(eq(approvals.insightId, 9001)));
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ kind: 'budget_override', targetId: 'nightly-data-sync', status: 'pending', requestedByKey: 'system:triage' });
    // One card, posted once and updated in place: every placement names the same card.
    expect(new Set(cards.shown.map((s) => JSON.stringify(s.placement)))).toEqual(new Set([JSON.stringify({ cardKey: `approval:${asked[0]!.id}`, channel: 'ops' })]));

    // The routine keeps spending while nobody decides: the card follows.
    await sim.applyEvents([stored('routine.spend', { routine: 'nightly-data-sync', spentUsd: 14.2, limitUsd: 10, period: 'month' })]);
    await desk.fromInsights([insight]);
    expect(cards.shown.at(-1)!.card.fields.find((f) => f.label === 'Spent')?.value).toMatch(/^\$14\.20/);

    await click(buttons(cards, asked[0]!.id).Deny!, elena);
    const shownAfterDecision = cards.shown.length;
    await desk.fromInsights([insight]);
    expect(cards.shown.length).toBe(shownAfterDecision);
    expect(await database.db.select().from(approvals).where(eq(approvals.insightId, 9001))).toHaveLength(1);
  });

  it('Force restart worker asks an approver instead of restarting, and runs once approved', async () => {
    const { click, cards, count } = harness();
    const force = buildActionId({ action: 'force_restart_worker', subject: { kind: 'insight', id: '5' }, target: { kind: 'worker', id: 'worker-002' } });
    expect((await click(force, omar)).text).toMatch(/^Asking for this needs the responder role; you are a viewer\./);
    const reply = await click(force, mike);
    const [approval] = await approvalsFor('worker-002');
    expect(reply).toEqual({ visibility: 'private', text: `Forcing a worker shutdown and reassigning its tasks is irreversible, so it needs an approver: approval #${approval!.id} is posted in #ops.` });
    expect(count('restartWorker')).toBe(0);
    expect(cards.of(`approval:${approval!.id}`)[0]).toMatchObject({ title: 'Force restart worker: worker-002', state: 'pending' });
    expect((await click(force, mike)).text).toMatch(new RegExp(`^An approval for this is already pending \\(#${approval!.id}, asked by Mike\\)\\.$`));

    const approved = await click(buttons(cards, approval!.id).Approve!, sofia);
    expect(approved.text).toMatch(/^Approved: worker restarted · \d+ tasks? reassigned\./);
    expect(count('restartWorker')).toBe(1);
  });

  it('View logs lists the routine\'s latest events, privately', async () => {
    const { budget, click, cards } = harness();
    const writer = createEventWriter(database, { maxRowsPerFlush: 100 });
    await writer.write([
      stored('routine.run', { routine: 'weekly-dependency-audit', status: 'failed', error: 'upstream 503' }, '2026-05-03T14:10:00Z'),
      stored('routine.spend', { routine: 'weekly-dependency-audit', spentUsd: 21, limitUsd: 20, period: 'month' }, '2026-05-03T14:20:00Z'),
      stored('routine.run', { routine: 'daily-code-review', status: 'ok' }, '2026-05-03T14:30:00Z'),
    ]);
    await exhaustBudget(sim, 'weekly-dependency-audit');
    await budget('request weekly-dependency-audit 5 storm', mike);
    const [, approval] = await approvalsFor('weekly-dependency-audit');
    const reply = await click(buttons(cards, approval!.id)['View logs']!, omar);
    expect(reply.visibility).toBe('private');
    const lines = reply.text.split('\n');
    expect(lines[0]).toBe('Latest events of weekly-dependency-audit:');
    expect(lines.filter((l) => / UTC routine\./.test(l)).map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual(['14:20:00 UTC routine.spend', '14:10:00 UTC routine.run']);
    expect(reply.text).not.toContain('daily-code-review');
  });
});

function budgetInsight(id: number, routine: string): Insight {
  const at = new Date();
  return Insight.parse({
    id,
    fingerprint: `routine_budget_exhausted:${routine}`,
    kind: 'routine_budget_exhausted',
    scope: routine,
    severity: 'warning',
    category: 'governance',
    status: 'open',
    episode: 1,
    title: `Routine ${routine} exhausted its budget`,
    detection: { scope: routine, summary: 'budget exhausted', entities: [{ kind: 'routine', id: routine }] },
    detectionHash: 'h',
    count: 1,
    version: 1,
    publishedVersion: 1,
    firstSeenAt: at,
    lastSeenAt: at,
    resolvedAt: null,
    acknowledgedBy: null,
    dismissedBy: null,
    dismissedAt: null,
    suppressedUntil: null,
  });
}

