import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleAdapter } from '../../adapters/console/index.js';
import { parseActionId } from '../../src/chat/action-id.js';
import { findScenario } from '../../src/platform/scenarios/index.js';
import { playScenario } from '../../src/platform/scenarios/player.js';
import { eventually, outboxSettled } from '../chat/support/drive.js';
import { consoleApi, type ConsoleAnswer, type ConsoleMessage } from '../support/console-api.js';
import { oneDatabaseKind } from '../support/databases.js';
import { startTestTriage, TEST_TOKEN, type TestTriage } from '../support/triage.js';

type Message = ConsoleMessage;
type Answer = ConsoleAnswer;

/**
 * The seed incident recovered through the console's buttons, on the zero-config defaults (Elena,
 * the tech lead, approves; engineers respond): Restart waits for the heartbeat, the budget
 * override passes the gate once, and the audit log has it all.
 */
describe.each(oneDatabaseKind())('recovering the seed incident from the console on %s', (kind) => {
  let triage: TestTriage;
  beforeAll(async () => {
    triage = await startTestTriage(kind, { simulator: { restartHeartbeatDelayMs: 300 }, outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0 } } as never, {
      adapters: [createConsoleAdapter],
    });
    const played = await playScenario({ scenario: findScenario('cascading-failure')!, url: triage.url, token: TEST_TOKEN, speed: 50 });
    expect(played.ok).toBe(true);
    await triage.writer.drain();
    await triage.evaluator.idle();
    await eventually(outboxSettled(triage.outbox), 15_000);
  });
  afterAll(async () => triage?.close());

  const api = consoleApi(() => triage.url);
  const { click, tryClick, command } = api;
  const find = (as: string, test: (m: Message) => boolean): Promise<Message | undefined> => api.find(test, { as, required: false });

  it("Restart on Mike's runtime card: the card under it goes from restarting to heartbeat detected", async () => {
    const runtimeCard = await find('james', (m) => /unreachable/i.test(m.card.title) && m.card.entities.some((e) => e.id === 'bash-runtime-mike'));
    const answer = await click('james', runtimeCard!, 'restart_runtime');
    expect(answer.reply.visibility).toBe('private');
    expect(answer.reply.text).toMatch(/restart/i);
    let progress: Message | undefined;
    await eventually(async () => {
      progress = await find('james', (m) => m.card.title === 'Restart runtime bash-runtime-mike' && m.card.state === 'resolved');
      return progress !== undefined;
    }, 15_000);
    expect(progress!.threadOf).toBe(runtimeCard!.id);
    expect(progress!.card.text).toMatch(/^✅ heartbeat detected/);
    expect(progress!.card.context).toMatch(/pressed by James at \d\d:\d\d UTC · took \d+\.\d s/);
    const runtimes = await triage.platform.listRuntimes();
    expect(runtimes.ok && runtimes.value.find((r) => r.id === 'bash-runtime-mike')?.status).toBe('connected');
  });

  it("Cancel on ticket #55's loop (after its confirmation) cancels that loop on the platform, once", async () => {
    const loopsCard = await find('james', (m) => /stuck agentic loops/.test(m.card.title) && m.threadOf === null);
    const cancel = loopsCard!.card.actions.find((a) => a.label.startsWith('Cancel Ticket #55'));
    expect(cancel?.confirm?.text).toMatch(/Its work so far is lost/);
    const ref = parseActionId(cancel!.id);
    const loopId = ref.ok ? ref.value.target!.id : '';
    const answer = await click('james', loopsCard!, 'cancel_loop', loopId);
    expect(answer.reply.visibility).toBe('private');
    await eventually(async () => (await find('james', (m) => m.card.title === `Cancel loop ${loopId}` && m.card.state === 'resolved')) !== undefined, 10_000);
    const loops = await triage.platform.listLoops();
    expect(loops.ok && loops.value.find((l) => l.id === loopId)?.status).toBe('cancelled');
  });

  it('the budget override is asked for on its insight card, not a second one; a responder cannot approve it, the tech lead can, once', async () => {
    expect(await find('elena', (m) => m.card.title.startsWith('Budget override'))).toBeUndefined();
    const approval = await find('elena', (m) => m.card.title === 'Routine daily-code-review out of budget' && /waiting for an approver/.test(m.card.text));
    expect(approval, 'the insight card with the request').toBeDefined();
    expect(approval!.card.text).toMatch(/🕒 A \+\$5\.00 budget override for routine daily-code-review, asked for by Triage at \d\d:\d\d UTC, is waiting for an approver \(approval #\d+\)\./);
    expect(approval!.card.fields).toEqual(expect.arrayContaining([{ label: 'Spent', value: expect.stringMatching(/^\$12\.47 of \$10\.00 \(124%\)/) }]));

    const refused = await click('james', approval!, 'approve_budget_override');
    expect(refused.reply).toMatchObject({ visibility: 'private', text: expect.stringMatching(/needs the approver role; you are a responder/) });

    // Elena approves while Alex denies: one decision wins. The loser is told who decided, or, when
    // the card already lost its buttons, the console refuses the stale click (409).
    const both = await Promise.all([tryClick('elena', approval!, 'approve_budget_override'), tryClick('alex', approval!, 'deny_budget_override')]);
    const texts = both.map((b) => (b.status === 200 ? (b.body as Answer).reply.text : (b.body as { error: { code: string } }).error.code));
    const winners = texts.filter((t) => /^(Approved|Denied)\b/.test(t));
    expect(winners, texts.join(' | ')).toHaveLength(1);
    expect(texts.filter((t) => /^Already (approved|denied) by (Elena|Alex) at/.test(t) || t === 'action_not_on_card')).toHaveLength(1);
    const routines = await triage.platform.listRoutines();
    const routine = routines.ok ? routines.value.find((r) => r.id === 'daily-code-review') : undefined;
    if (/^Approved/.test(winners[0]!)) {
      expect(routine).toMatchObject({ budgetLimitUsd: 15, status: 'active' });
    } else {
      expect(routine).toMatchObject({ budgetLimitUsd: 10, status: 'paused' });
    }
    await eventually(async () => (await find('elena', (m) => m.id === approval!.id && /(✅ Elena approved|⛔ Alex denied) a \+\$5\.00 budget override/.test(m.card.text))) !== undefined, 10_000);
    const decided = await find('elena', (m) => m.id === approval!.id);
    expect(decided!.card.actions.map((a) => a.label).filter((l) => /^(Approve|Deny)/.test(l))).toEqual([]);
  });

  it('/audit lists who did what: the restart, the refusal and the decision', async () => {
    const audit = await command('sofia', '/audit 20');
    expect(audit.reply.visibility).toBe('private');
    expect(audit.reply.text).toMatch(/✅ James restarted runtime bash-runtime-mike \(heartbeat back after \d+\.\d s\) · took \d+\.\d s/);
    expect(audit.reply.text).toContain('⛔ James tried to approve a +$5.00 budget override for routine daily-code-review but is not an approver');
    expect(audit.reply.text).toMatch(/✅ Elena approved a \+\$5\.00 budget override for routine daily-code-review \(new limit \$15\.00\)|⛔ Alex denied a \+\$5\.00 budget override for routine daily-code-review \(the limit stays \$10\.00\)/);
  });
});
