import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../adapters/slack/index.js';
import { findScenario } from '../../src/platform/scenarios/index.js';
import { playScenario } from '../../src/platform/scenarios/player.js';
import { eventually, triageSettled } from '../chat/support/drive.js';
import { oneDatabaseKind } from '../support/databases.js';
import { startTestTriage, TEST_TOKEN, type TestTriage } from '../support/triage.js';
import { actionBody, blockAction, createSlackFarSide, postSigned, slackConfig, type ApiCall, type SlackFarSide } from '../adapters/slack/support.js';

type Block = { type: string; text?: { text: string }; elements?: { type: string; action_id?: string; text?: { text: string } }[] };
const blocksOf = (call: ApiCall) => (call.body.blocks ?? []) as Block[];
const titleOf = (call: ApiCall) => blocksOf(call).find((b) => b.type === 'header')?.text?.text ?? '';
const textOf = (call: ApiCall) => JSON.stringify(call.body.blocks ?? '');
const buttonId = (call: ApiCall, label: RegExp) =>
  blocksOf(call)
    .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
    .find((e) => label.test(e.text?.text ?? ''))?.action_id;

/**
 * The seed's recovery over Slack's own request formats: signed block_actions from people with
 * and without roles (James responds, Elena approves, Priya has no role), results in place.
 */
describe.each(oneDatabaseKind())('recovering the seed incident from Slack on %s', (kind) => {
  let slack: SlackFarSide;
  let triage: TestTriage;
  beforeAll(async () => {
    slack = createSlackFarSide();
    slack.listen();
    triage = await startTestTriage(
      kind,
      {
        simulator: { restartHeartbeatDelayMs: 200 },
        outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0, baseBackoffMs: 50 },
        roles: { responders: ['slack:U0JAMES'], approvers: ['slack:U0ELENA'], admins: [], twoPersonRule: true },
      } as never,
      { adapters: [createSlackAdapter(slackConfig())] },
    );
    const played = await playScenario({ scenario: findScenario('cascading-failure')!, url: triage.url, token: TEST_TOKEN, speed: 50 });
    expect(played.ok).toBe(true);
    await settled();
  });
  // Every payload Triage sent in the test is one Slack accepts (test/support/block-kit.ts).
  afterEach(() => slack?.assertAccepted());
  afterAll(async () => {
    await triage?.close();
    slack?.close();
  });

  const settled = () => triageSettled(triage);
  const topPosts = () => slack.calls('chat.postMessage').filter((p) => !p.body.thread_ts);
  const press = async (card: ApiCall, label: RegExp, user: string, actionTs?: string, headers?: Record<string, string>) => {
    const actionId = buttonId(card, label);
    expect(actionId, `${label} on ${titleOf(card)}`).toBeDefined();
    const payload = blockAction(actionId!, String(card.response!.ts), { user, ...(actionTs ? { actionTs } : {}) });
    const res = await postSigned(triage.url, actionBody(payload), headers ? { headers } : {});
    expect(res.status).toBe(200);
    await eventually(() => slack.hooks.some((h) => h.url === payload.response_url), 10_000);
    return slack.hooks.find((h) => h.url === payload.response_url)!.body;
  };

  it('Restart from a viewer is refused privately; from a responder it runs once, even when Slack redelivers the click', async () => {
    const card = topPosts().find((p) => /Runtime bash-runtime-mike unreachable/.test(titleOf(p)))!;
    const refused = await press(card, /^Restart bash-runtime-mike/, 'U0PRIYA');
    expect(refused).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/needs the responder role; you are a viewer\. Ask someone who has it: slack:U0JAMES/) });

    const actionTs = `${Math.floor(Date.now() / 1000)}.4242`;
    const ran = await press(card, /^Restart bash-runtime-mike/, 'U0JAMES', actionTs);
    expect(ran).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/restart/i) });
    await postSigned(triage.url, actionBody(blockAction(buttonId(card, /^Restart bash-runtime-mike/)!, String(card.response!.ts), { user: 'U0JAMES', actionTs })), { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    await settled();

    // The progress card is a reply in the runtime card's thread, updated in place to the result.
    const progress = slack.calls('chat.postMessage').find((p) => p.body.thread_ts === card.response!.ts && /Restart runtime bash-runtime-mike/.test(titleOf(p)));
    expect(progress).toBeDefined();
    await eventually(() => slack.calls('chat.update').some((u) => u.body.ts === progress!.response!.ts && /heartbeat detected/.test(textOf(u))), 10_000);
    // The card pressed says so itself, in place: who, when, and how it ended.
    await eventually(
      () => slack.calls('chat.update').some((u) => u.body.ts === card.response!.ts && /✅ Restart runtime bash-runtime-mike by James Okafor at \d\d:\d\d UTC: heartbeat detected after/.test(textOf(u))),
      10_000,
    );
    const started = await triage.database.query<{ n: number }>(sql`select count(*)::int as n from action_requests where action = 'restart_runtime' and target_id = 'bash-runtime-mike'`);
    expect(Number(started[0]!.n)).toBe(1);
  });

  it('the budget override: one card, the insight\'s; a responder is refused, the approver approves, the card says so in place', async () => {
    expect(topPosts().map(titleOf).filter((t) => /^Budget override/.test(t))).toEqual([]);
    const card = topPosts().find((p) => titleOf(p) === 'Routine daily-code-review out of budget')!;
    expect(card, topPosts().map(titleOf).join(' | ')).toBeDefined();
    const refused = await press(card, /^Approve/, 'U0JAMES');
    expect(refused.text).toMatch(/needs the approver role; you are a responder/);
    const approved = await press(card, /^Approve/, 'U0ELENA');
    expect(approved.text).toMatch(/^Approved/);
    await settled();
    const last = slack.calls('chat.update').filter((u) => u.body.ts === card.response!.ts).at(-1)!;
    expect(textOf(last)).toMatch(/✅ Elena \(on-call\) approved a \+\$5\.00 budget override for routine daily-code-review at \d\d:\d\d UTC: new limit \$15\.00/);
    expect(buttonId(last, /^Approve/)).toBeUndefined();
    const routines = await triage.platform.listRoutines();
    expect(routines.ok && routines.value.find((r) => r.id === 'daily-code-review')).toMatchObject({ budgetLimitUsd: 15, status: 'active' });
  });
});
