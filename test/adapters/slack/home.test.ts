import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../../adapters/slack/index.js';
import { startTriage, type RunningTriage } from '../../../src/app.js';
import { Config } from '../../../src/config.js';
import { findScenario } from '../../../src/platform/scenarios/index.js';
import { playScenario } from '../../../src/platform/scenarios/player.js';
import { pino } from 'pino';
import { eventually } from '../../chat/support/drive.js';
import { oneDatabaseKind } from '../../support/databases.js';
import { startTestTriage, TEST_TOKEN, type TestTriage } from '../../support/triage.js';
import { actionBody, blockAction, commandBody, createSlackFarSide, postSigned, slackConfig, type ApiCall, type SlackFarSide } from './support.js';

type Element = { type: string; action_id?: string; text?: { text: string } };
type Block = { type: string; text?: { text: string }; elements?: Element[] };
const blocksOf = (call: ApiCall) => ((call.body.view as { blocks?: Block[] } | undefined)?.blocks ?? []) as Block[];
const viewText = (call: ApiCall) => JSON.stringify(blocksOf(call));
const buttons = (blocks: Block[]) => blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));
const REFRESH_MS = 300;

let eventSeq = 0;
/** An Events API event_callback for app_home_opened, as Slack sends it (JSON, signed). */
function homeOpened(user: string): string {
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: 'T0TEAM',
    api_app_id: 'A0TRIAGE',
    event: { type: 'app_home_opened', user, channel: `D0${user}`, tab: 'home', event_ts: `${Date.now() / 1000}` },
    type: 'event_callback',
    event_id: `Ev0HOME${++eventSeq}`,
    event_time: Math.floor(Date.now() / 1000),
  });
}

const ROLES = { responders: ['slack:U0JAMES'], approvers: ['slack:U0ELENA'], admins: [], twoPersonRule: true };
const OUTBOX = { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0, baseBackoffMs: 50 };

/**
 * The App Home tab over Slack's own request formats: signed Events API callbacks through real
 * Bolt at /slack/events, views.publish answered and recorded by Slack's far side (msw).
 */
describe.each(oneDatabaseKind())('the Home tab on %s', (kind) => {
  let slack: SlackFarSide;
  let triage: TestTriage;
  let second: RunningTriage | undefined;
  beforeAll(async () => {
    slack = createSlackFarSide();
    slack.listen();
    triage = await startTestTriage(kind, { outbox: OUTBOX, roles: ROLES } as never, {
      adapters: [createSlackAdapter(slackConfig())],
      home: { refreshEveryMs: REFRESH_MS, publishPaceMs: 0 },
    });
    const played = await playScenario({ scenario: findScenario('cascading-failure')!, url: triage.url, token: TEST_TOKEN, speed: 50 });
    expect(played.ok).toBe(true);
    await triage.writer.drain();
    await triage.evaluator.idle();
    expect((await postSigned(triage.url, commandBody('/doctor', ''))).status).toBe(200);
    await eventually(async () => slack.hooks.some((h) => JSON.stringify(h.body).includes('Doctor')), 20_000);
  }, 120_000);
  afterEach(() => slack?.assertAccepted?.());
  afterAll(async () => {
    await second?.stop();
    await triage?.close();
    slack?.close();
  });

  const publishes = (user: string) => slack.calls('views.publish').filter((c) => c.body.user_id === user);
  const open = async (user: string, headers: Record<string, string> = {}) => {
    const res = await postSigned(triage.url, homeOpened(user), { headers: { 'content-type': 'application/json', ...headers } });
    expect(res.status).toBe(200);
  };
  /** The channel message carrying an approval button, and its ts (a post's answer or an update's own). */
  const messageWith = async (actionId: string) => {
    let found: ApiCall | undefined;
    await eventually(() => {
      found = [...slack.calls('chat.postMessage'), ...slack.calls('chat.update')].findLast((c) => JSON.stringify(c.body.blocks ?? '').includes(actionId));
      return found !== undefined;
    }, 15_000);
    return { call: found!, ts: String(found!.method === 'chat.update' ? found!.body.ts : found!.response?.ts) };
  };
  const homeButton = (user: string, label: string) => buttons(blocksOf(publishes(user).at(-1)!)).find((b) => b.text?.text === label)!;

  it('shows an approver the incident, the live critical insights, the pending approval with Approve and Deny, and the last Doctor run with Re-run', async () => {
    await open('U0ELENA');
    await eventually(() => publishes('U0ELENA').length === 1, 10_000);
    const view = publishes('U0ELENA')[0]!;
    expect((view.body.view as { type: string }).type).toBe('home');
    const text = viewText(view);
    expect(text).toContain('Open incidents');
    expect(text).toMatch(/Incident #\d+/);
    expect(text).toContain('Live critical insights');
    expect(text).toContain('bash-runtime-mike');
    expect(text).toContain('Budget override: daily-code-review');
    expect(text).toMatch(/Doctor run #\d+/);
    const labels = buttons(blocksOf(view)).map((b) => b.text?.text);
    expect(labels).toEqual(expect.arrayContaining(['Approve', 'Deny', 'Re-run Doctor']));
    // The same action ids as the approval card: a click from Home takes the card's path and checks.
    const approve = homeButton('U0ELENA', 'Approve');
    const { call } = await messageWith(approve.action_id!);
    expect(buttons((call.body.blocks ?? []) as Block[]).map((b) => b.action_id)).toContain(approve.action_id);
    expect(blocksOf(view).length).toBeLessThanOrEqual(100);
  });

  it('shows a viewer the pending approval without buttons, and who can decide', async () => {
    await open('U0PRIYA');
    await eventually(() => publishes('U0PRIYA').length === 1, 10_000);
    const view = publishes('U0PRIYA')[0]!;
    expect(viewText(view)).toContain('Budget override: daily-code-review');
    const labels = buttons(blocksOf(view)).map((b) => b.text?.text);
    expect(labels).not.toContain('Approve');
    expect(labels).not.toContain('Deny');
    expect(labels).toContain('Re-run Doctor');
    expect(viewText(view)).toContain('Only approvers can decide these: slack:U0ELENA');
  });

  it('publishes nothing for a redelivered event, nor while nothing changes', async () => {
    const before = slack.calls('views.publish').length;
    await open('U0ELENA', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    await new Promise((resolve) => setTimeout(resolve, 3 * REFRESH_MS + 300));
    expect(slack.calls('views.publish').length).toBe(before);
  });

  it('republishes every viewer within the throttle once the approval is decided, with its buttons gone', async () => {
    const before = { elena: publishes('U0ELENA').length, priya: publishes('U0PRIYA').length };
    const approve = homeButton('U0ELENA', 'Approve');
    const { ts } = await messageWith(approve.action_id!);
    const pressed = await postSigned(triage.url, actionBody(blockAction(approve.action_id!, ts, { user: 'U0ELENA' })));
    expect(pressed.status).toBe(200);
    const waited = await eventually(() => publishes('U0ELENA').length > before.elena && publishes('U0PRIYA').length > before.priya, 10_000);
    expect(waited).toBeLessThan(5_000);
    const latest = publishes('U0ELENA').at(-1)!;
    expect(viewText(latest)).not.toContain('Budget override: daily-code-review');
    expect(buttons(blocksOf(latest)).map((b) => b.text?.text)).not.toContain('Approve');
    // The decision goes on changing things (its outcome, the budget insight clearing): each
    // publish shows something new, never the same view twice.
    await new Promise((resolve) => setTimeout(resolve, 4 * REFRESH_MS));
    const shown = publishes('U0ELENA').map((c) => viewText(c).replace(/Updated \d\d:\d\d UTC/, ''));
    for (let i = 1; i < shown.length; i += 1) expect(shown[i]).not.toBe(shown[i - 1]);
  });

  it('a second replica on the same database does not publish the same change again', async () => {
    second = await startTriage(
      Config.parse({ port: 0, host: '127.0.0.1', ingestToken: TEST_TOKEN, dataDir: mkdtempSync(join(tmpdir(), 'triage-home-')), logLevel: 'silent', outbox: OUTBOX, roles: ROLES }),
      { database: triage.testDatabase, logger: pino({ level: 'silent' }), adapters: [createSlackAdapter(slackConfig())], home: { refreshEveryMs: REFRESH_MS / 2, publishPaceMs: 0 } },
    );
    expect(second.evaluator.leading()).toBe(false);
    const before = publishes('U0PRIYA').length;
    expect((await postSigned(triage.url, commandBody('/doctor', '', { user_id: 'U0JAMES' }))).status).toBe(200);
    await eventually(() => publishes('U0PRIYA').length > before, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 4 * REFRESH_MS));
    expect(publishes('U0PRIYA').length).toBe(before + 1);
    // The replica that does not lead never refreshed: only an open publishes from it.
    expect(await second.home.refresh()).toBe(0);
  });
});
