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
import type { Insight } from '../../src/insights/insight.js';
import { findByFingerprints, insertInsights } from '../../src/insights/store.js';
import { createEventWriter } from '../../src/intake/event-writer.js';
import type { Simulator } from '../../src/platform/simulator/simulator.js';
import { exhaustBudget, routineOf } from '../approvals/support.js';
import { unusedCommandDeps } from '../commands/support.js';
import { stored } from '../platform/support.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { alex, authoriserFor, countingPlatform, elena, insightDrawer, james, loopedSimulator, message, mike, omar, quiet, recordingSink, sofia } from './support.js';

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
      showInsight: insightDrawer(database, cards.sink),
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
  /** A live insight as the lifecycle stores it: the card an approval is asked from. */
  const storedInsight = async (kind: string, scope: string, entities: { kind: string; id: string }[]): Promise<Insight> => {
    const fingerprint = `${kind}:${scope}:${Math.random().toString(36).slice(2, 8)}`;
    const detection = { scope, summary: `${kind} on ${scope}`, entities };
    await insertInsights(database.db, [{ fingerprint, kind, scope, severity: 'warning', category: 'operational', title: `${kind} ${scope}`, detection, detectionHash: 'h', now: new Date() }]);
    return (await findByFingerprints(database.db, [fingerprint])).get(fingerprint)!;
  };
  const storedBudgetInsight = (routine: string) => storedInsight('routine_budget_exhausted', routine, [{ kind: 'routine', id: routine }]);
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

  it('fromInsights asks once per budget insight, even when called again, and the insight card carries the request until decided, then the decision', async () => {
    const { desk, cards, click } = harness();
    await exhaustBudget(sim, 'nightly-data-sync');
    const insight = await storedBudgetInsight('nightly-data-sync');
    await desk.fromInsights([insight]);
    await desk.fromInsights([insight]);
    await Promise.all([desk.fromInsights([insight]), desk.fromInsights([insight])]);
    const asked = await database.db.select().from(approvals).where(and(eq(approvals.insightId, insight.id)));
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ kind: 'budget_override', targetId: 'nightly-data-sync', status: 'pending', requestedByKey: 'system:triage' });
    // One request, one card: the insight's, never a second approval card with its own buttons.
    expect(new Set(cards.shown.map((s) => s.placement.cardKey))).toEqual(new Set([`insight:${insight.id}`]));
    const pending = cards.of(`insight:${insight.id}`).at(-1)!;
    expect(pending.text).toMatch(new RegExp(`🕒 A \\+\\$\\d+\\.\\d\\d budget override for routine nightly-data-sync, asked for by Triage at \\d\\d:\\d\\d UTC, is waiting for an approver \\(approval #${asked[0]!.id}\\)\\.`));
    const subject = { kind: 'approval', id: String(asked[0]!.id) };
    const target = { kind: 'routine', id: 'nightly-data-sync' };
    // Its Approve and Deny name the approval; the catalog's own pair (naming the routine) gave way.
    expect(pending.actions.filter((a) => /^(Approve|Deny)$/.test(a.label)).map((a) => a.id)).toEqual([
      buildActionId({ action: 'approve_budget_override', subject, target }),
      buildActionId({ action: 'deny_budget_override', subject, target }),
    ]);

    await click(buttonsOn(pending).Deny!, elena);
    const decided = cards.of(`insight:${insight.id}`).at(-1)!;
    expect(decided.text).toMatch(new RegExp(`⛔ Elena denied a \\+\\$\\d+\\.\\d\\d budget override for routine nightly-data-sync at \\d\\d:\\d\\d UTC: the routine stays paused\\. \\(approval #${asked[0]!.id}\\)`));
    expect(decided.actions.map((a) => a.label)).not.toContain('Approve');
    expect(decided.actions.map((a) => a.label)).not.toContain('Deny');
    const shownAfterDecision = cards.shown.length;
    await desk.fromInsights([insight]);
    expect(cards.shown.length).toBe(shownAfterDecision);
    expect(await database.db.select().from(approvals).where(eq(approvals.insightId, insight.id))).toHaveLength(1);
  });

  it('Force restart worker asks an approver instead of restarting, on the card it was pressed on, and runs once approved', async () => {
    const { click, cards, count } = harness();
    const insight = await storedInsight('worker_unresponsive', 'worker-002', [{ kind: 'worker', id: 'worker-002' }]);
    const force = buildActionId({ action: 'force_restart_worker', subject: { kind: 'insight', id: String(insight.id) }, target: { kind: 'worker', id: 'worker-002' } });
    expect((await click(force, omar)).text).toMatch(/^Asking for this needs the responder role; you are a viewer\./);
    const reply = await click(force, mike);
    const [approval] = await approvalsFor('worker-002');
    expect(reply).toEqual({
      visibility: 'private',
      text: `Forcing a worker shutdown and reassigning its tasks is irreversible (its tasks in flight are cut off), so it needs an approver: approval #${approval!.id}; the card you pressed shows it, with Approve and Deny for an approver.`,
    });
    expect(count('restartWorker')).toBe(0);
    const pending = cards.of(`insight:${insight.id}`).at(-1)!;
    expect(pending.text).toContain(`🕒 A forced shutdown of worker worker-002 (its tasks reassigned), asked for by Mike at`);
    expect(cards.of(`approval:${approval!.id}`)).toEqual([]);
    expect((await click(force, mike)).text).toMatch(new RegExp(`^An approval for this is already pending \\(#${approval!.id}, asked by Mike\\)\\.$`));

    const approved = await click(buttonsOn(pending).Approve!, sofia);
    expect(approved.text).toMatch(/^Approved: worker restarted · \d+ tasks? reassigned\./);
    expect(count('restartWorker')).toBe(1);
    expect(cards.of(`insight:${insight.id}`).at(-1)!.text).toMatch(/✅ Sofia approved a forced shutdown of worker worker-002 \(its tasks reassigned\) at \d\d:\d\d UTC: worker restarted · \d+ tasks? reassigned \(approval #\d+\)\./);
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

const buttonsOn = (card: { actions: { label: string; id: string }[] }) => Object.fromEntries(card.actions.map((a) => [a.label, a.id]));
