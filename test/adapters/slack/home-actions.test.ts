import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../../adapters/slack/index.js';
import { findScenario } from '../../../src/platform/scenarios/index.js';
import { playScenario } from '../../../src/platform/scenarios/player.js';
import { eventually } from '../../chat/support/drive.js';
import { oneDatabaseKind } from '../../support/databases.js';
import { startTestTriage, TEST_TOKEN, type TestTriage } from '../../support/triage.js';
import { actionBody, commandBody, createSlackFarSide, nowSeconds, postSigned, slackConfig, type ApiCall, type SlackFarSide } from './support.js';

type Element = { type: string; action_id?: string; text?: { text: string } };
type Block = { type: string; text?: { text: string }; elements?: Element[] };
const blocksOf = (call: ApiCall) => ((call.body.view as { blocks?: Block[] } | undefined)?.blocks ?? []) as Block[];
const buttons = (blocks: Block[]) => blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));

let seq = 0;
/** An Events API app_home_opened, as Slack sends it (JSON, signed). */
const homeOpened = (user: string) =>
  JSON.stringify({ team_id: 'T0TEAM', api_app_id: 'A0TRIAGE', type: 'event_callback', event_id: `Ev0HA${++seq}`, event_time: nowSeconds(), event: { type: 'app_home_opened', user, channel: `D0${user}`, tab: 'home', event_ts: `${nowSeconds()}.1` } });

/**
 * A button pressed on the Home tab, in the shape Slack sends it: the container is the view, the
 * view itself comes along, and there is no channel, no message and no response_url.
 */
function homeAction(actionId: string, user: string, options: { actionTs?: string; viewType?: string; viewId?: string | null } = {}) {
  const viewId = options.viewId === undefined ? `V0HOME${user}` : options.viewId;
  return {
    type: 'block_actions',
    user: { id: user, username: user.replace(/^U0/, '').toLowerCase(), name: user.replace(/^U0/, '').toLowerCase(), team_id: 'T0TEAM' },
    api_app_id: 'A0TRIAGE',
    token: 'deprecated-verification-token',
    container: { type: 'view', ...(viewId ? { view_id: viewId } : {}) },
    trigger_id: `1339.${++seq}`,
    team: { id: 'T0TEAM', domain: 'acme' },
    enterprise: null,
    is_enterprise_install: false,
    view: { ...(viewId ? { id: viewId } : {}), team_id: 'T0TEAM', type: options.viewType ?? 'home', blocks: [], private_metadata: '', callback_id: '', state: { values: {} }, hash: '1700000000.abc', app_id: 'A0TRIAGE', external_id: '', bot_id: 'B0TRIAGE' },
    actions: [{ type: 'button', action_id: actionId, block_id: 'b1', text: { type: 'plain_text', text: 'Approve', emoji: true }, action_ts: options.actionTs ?? `${nowSeconds()}.${++seq}` }],
  };
}

const ROLES = { responders: ['slack:U0JAMES'], approvers: ['slack:U0ELENA'], admins: [], twoPersonRule: true };
const OUTBOX = { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0, baseBackoffMs: 50 };

/**
 * Approve, Deny and Re-run pressed on the Home tab: Slack's real block_actions from a view, signed,
 * through real Bolt; Slack's Web API answered by msw, every payload checked against Block Kit's limits.
 */
describe.each(oneDatabaseKind())('buttons on the Home tab on %s', (kind) => {
  let slack: SlackFarSide;
  let triage: TestTriage;
  beforeAll(async () => {
    slack = createSlackFarSide();
    slack.listen();
    triage = await startTestTriage(kind, { outbox: OUTBOX, roles: ROLES } as never, {
      adapters: [createSlackAdapter(slackConfig())],
      home: { refreshEveryMs: 300, publishPaceMs: 0 },
    });
    const played = await playScenario({ scenario: findScenario('cascading-failure')!, url: triage.url, token: TEST_TOKEN, speed: 50 });
    expect(played.ok).toBe(true);
    await triage.writer.drain();
    await triage.evaluator.idle();
    expect((await postSigned(triage.url, commandBody('/doctor', ''))).status).toBe(200);
    await eventually(() => slack.hooks.some((h) => JSON.stringify(h.body).includes('Doctor')), 20_000);
    for (const user of ['U0ELENA', 'U0PRIYA']) expect((await postSigned(triage.url, homeOpened(user), { headers: { 'content-type': 'application/json' } })).status).toBe(200);
    await eventually(() => publishes('U0ELENA').length > 0 && publishes('U0PRIYA').length > 0, 15_000);
  }, 120_000);
  afterEach(() => slack?.assertAccepted());
  afterAll(async () => {
    await triage?.close();
    slack?.close();
  });

  const publishes = (user: string) => slack.calls('views.publish').filter((c) => c.body.user_id === user);
  /** What Triage said to this person in their DM with the app (chat.postMessage to the user id). */
  const dms = (user: string) => slack.calls('chat.postMessage').filter((c) => c.body.channel === user);
  const homeButton = (user: string, label: string) => buttons(blocksOf(publishes(user).at(-1)!)).find((b) => b.text?.text === label);
  const limitOf = async (routine: string) => {
    const routines = await triage.platform.listRoutines();
    return routines.ok ? routines.value.find((r) => r.id === routine)?.budgetLimitUsd : undefined;
  };
  const press = (payload: unknown) => postSigned(triage.url, actionBody(payload));

  it('a viewer pressing Approve from Home is refused, told so in their DM, and nothing changes', async () => {
    const approve = homeButton('U0ELENA', 'Approve')!;
    expect(approve, 'the approver sees Approve on Home').toBeDefined();
    const before = await limitOf('daily-code-review');
    const hooks = slack.hooks.length;
    // Priya's own Home has no Approve: this is a press from a view that is out of date, or forged.
    expect((await press(homeAction(approve.action_id!, 'U0PRIYA'))).status).toBe(200);
    await eventually(() => dms('U0PRIYA').length === 1, 10_000);
    expect(String(dms('U0PRIYA')[0]!.body.text)).toMatch(/needs the approver role; you are a viewer\. Ask someone who has it: slack:U0ELENA/);
    expect(await limitOf('daily-code-review')).toBe(before);
    // Nothing went to a response_url: a Home click has none.
    expect(slack.hooks.length).toBe(hooks);
  });

  it("an approver's Approve on Home approves the override once, answers in their DM and refreshes their Home at once", async () => {
    const approve = homeButton('U0ELENA', 'Approve')!;
    const before = await limitOf('daily-code-review');
    const published = publishes('U0ELENA').length;
    const click = homeAction(approve.action_id!, 'U0ELENA');
    expect((await press(click)).status).toBe(200);
    // Slack redelivers the same click (same action_ts): it is acted on once.
    expect((await press(click)).status).toBe(200);
    await eventually(() => dms('U0ELENA').length >= 1, 10_000);
    expect(String(dms('U0ELENA')[0]!.body.text)).toMatch(/^Approved/);
    expect(await limitOf('daily-code-review')).toBe(before! + 5);
    await eventually(() => publishes('U0ELENA').length > published, 5_000);
    const latest = publishes('U0ELENA').at(-1)!;
    expect(JSON.stringify(blocksOf(latest))).not.toContain('Budget override: daily-code-review');
    expect(homeButton('U0ELENA', 'Approve')).toBeUndefined();
    // A second, later press of the old button is told who decided; the limit does not rise again.
    expect((await press(homeAction(approve.action_id!, 'U0ELENA'))).status).toBe(200);
    await eventually(() => dms('U0ELENA').length === 2, 10_000);
    expect(String(dms('U0ELENA')[1]!.body.text)).toMatch(/already approved/i);
    expect(await limitOf('daily-code-review')).toBe(before! + 5);
    // The audit names where the press came from: Home, not a channel.
    const audit = await triage.database.query<{ n: number }>(
      sql`select count(*)::int as n from audit_log where outcome = 'approved' and source_message->>'channel' = 'home'`,
    );
    expect(Number(audit[0]!.n)).toBe(1);
  });

  it('Re-run Doctor from Home sends the new report to the DM of the person who pressed it', async () => {
    const rerun = homeButton('U0PRIYA', 'Re-run Doctor');
    expect(rerun, 'Home shows the last Doctor run with Re-run').toBeDefined();
    const before = dms('U0PRIYA').length;
    expect((await press(homeAction(rerun!.action_id!, 'U0PRIYA'))).status).toBe(200);
    await eventually(() => dms('U0PRIYA').length > before, 20_000);
    const report = dms('U0PRIYA').at(-1)!;
    expect(String(report.body.text)).toMatch(/Doctor \(re-run of #\d+\)/);
    expect(Array.isArray(report.body.blocks)).toBe(true);
  });

  it.each([
    ['a view that is not Home (a modal)', { viewType: 'modal' }, /Home tab \(container\.type "view" with a view_id, and view\.type "home"\)/],
    ['a view without its id', { viewId: null }, /view\.id: .*expected string/],
  ])('refuses %s with a clear 400', async (_what, options, reason) => {
    const res = await press(homeAction('v1|approve_budget_override|approval:1', 'U0ELENA', options));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/^a block_actions payload Triage cannot act on: /);
    expect(body.error.message).toMatch(reason);
  });
});
