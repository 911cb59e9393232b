import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleAdapter } from '../../adapters/console/index.js';
import { findScenario } from '../../src/platform/scenarios/index.js';
import { playScenario } from '../../src/platform/scenarios/player.js';
import { eventually, outboxSettled } from '../chat/support/drive.js';
import { consoleApi, type ConsoleMessage } from '../support/console-api.js';
import { oneDatabaseKind } from '../support/databases.js';
import { startTestTriage, TEST_TOKEN, type TestTriage } from '../support/triage.js';

type Message = ConsoleMessage;

/**
 * Issue 15 point 3: after the seed's recovery (a restart, a refused and an accepted approval, a
 * denied override asked for by hand, a dismissal), /audit reads as sentences a lead understands
 * the next morning: who, which routine, how much, the new limit, for how long.
 */
describe.each(oneDatabaseKind())('/audit in words after the seed recovery on %s', (kind) => {
  let triage: TestTriage;
  let audit: string;
  beforeAll(async () => {
    triage = await startTestTriage(
      kind,
      { simulator: { restartHeartbeatDelayMs: 300 }, insights: { suppressMinutes: 30 }, outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0 } } as never,
      { adapters: [createConsoleAdapter] },
    );
    const played = await playScenario({ scenario: findScenario('cascading-failure')!, url: triage.url, token: TEST_TOKEN, speed: 50 });
    expect(played.ok).toBe(true);
    await triage.writer.drain();
    await triage.evaluator.idle();
    await eventually(outboxSettled(triage.outbox), 15_000);

    const runtime = await find((m) => /unreachable/i.test(m.card.title) && m.card.entities.some((e) => e.id === 'bash-runtime-mike'));
    await click('james', runtime, 'restart_runtime', 'bash-runtime-mike');
    await eventually(async () => (await find((m) => m.card.title === 'Restart runtime bash-runtime-mike' && m.card.state === 'resolved', false)) !== undefined, 15_000);
    const approval = await find((m) => m.card.title === 'Routine daily-code-review out of budget' && /waiting for an approver/.test(m.card.text));
    await click('james', approval, 'approve_budget_override');
    await click('elena', approval, 'approve_budget_override');
    expect((await command('james', '/budget request nightly-data-sync 2.50 the backfill runs tonight')).reply.text).toMatch(/^Requested \+\$2\.50 for nightly-data-sync/);
    await eventually(async () => (await find((m) => m.card.title === 'Budget override: nightly-data-sync', false)) !== undefined, 10_000);
    await click('elena', await find((m) => m.card.title === 'Budget override: nightly-data-sync'), 'deny_budget_override');
    const pool = await find((m) => m.threadOf === null && /MCP pool exhausted: database-query/.test(m.card.title) && m.card.actions.some((a) => a.id.startsWith('v1|dismiss|')));
    await click('priya', pool, 'dismiss');
    audit = (await command('sofia', '/audit 20')).reply.text;
  });
  afterAll(async () => triage?.close());

  const api = consoleApi(() => triage.url);
  const { click, command } = api;
  const find = async (test: (m: Message) => boolean, required = true): Promise<Message> => (await api.find(test, { required }))!;

  it('the restart says what came back and how fast', () => {
    expect(audit).toMatch(/✅ James restarted runtime bash-runtime-mike \(heartbeat back after \d+\.\d s\) · took \d+\.\d s/);
  });

  it('the approval says which routine, how much and the new limit; the refusal says why', () => {
    expect(audit).toContain('✅ Elena approved a +$5.00 budget override for routine daily-code-review (new limit $15.00)');
    expect(audit).toContain('⛔ James tried to approve a +$5.00 budget override for routine daily-code-review but is not an approver');
  });

  it('the override asked for by hand and its denial say the amount, the reason and the limit that stays', () => {
    expect(audit).toContain('📝 James asked for a +$2.50 budget override for routine nightly-data-sync (the backfill runs tonight)');
    expect(audit).toContain('⛔ Elena denied a +$2.50 budget override for routine nightly-data-sync (the limit stays $3.00)');
  });

  it('the dismissal says which card and for how long', () => {
    expect(audit).toContain('🔕 Priya dismissed "MCP pool exhausted: database-query" for 30 minutes');
  });

  it('reads in sentences: no raw action names or targets are left', () => {
    expect(audit).not.toMatch(/approve budget override|approval:\d+|runtime:bash|_/);
  });
});
