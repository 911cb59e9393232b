import { sql } from 'drizzle-orm';
import { HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../adapters/slack/index.js';
import { buildActionId } from '../../src/chat/action-id.js';
import { eventually, triageSettled } from '../chat/support/drive.js';
import { oneDatabaseKind } from '../support/databases.js';
import { startTestTriage, type TestTriage } from '../support/triage.js';
import { actionBody, blockAction, commandBody, createSlackFarSide, MEMBERS, postSigned, slackConfig, type ApiCall, type SlackFarSide } from '../adapters/slack/support.js';
import { dismissId, insightId, raiseRuntimeFailures } from '../adapters/slack/triage.js';

const ZWSP = '\u200B';
/** A member whose display name tries to page the channel and a colleague. */
const MALLORY = { id: 'U0MALLORY', name: 'mallory', display_name: '<!channel> @everyone <@U0ELENA>', real_name: 'Mallory' };
const restartId = (insight: number) => buildActionId({ action: 'restart_runtime', subject: { kind: 'insight', id: String(insight) }, target: { kind: 'runtime', id: 'bash-runtime-mike' } });
const textOf = (call: { body: Record<string, unknown> }) => `${String(call.body.text ?? '')} ${JSON.stringify(call.body.blocks ?? '')}`;

/**
 * People are named as Slack shows them, over Slack's real request formats: signed commands and
 * block_actions through real Bolt, users.info answered by the far side's member list. The
 * action card, the audit, /audit and the incident thread say "James Okafor" (display name empty,
 * real name set), never U0JAMES or the handle; users.info is asked once per person; when it fails
 * the click still acts under the handle; and a display name made of mentions pings nobody.
 */
describe.each(oneDatabaseKind())('Slack members named as Slack shows them on %s', (kind) => {
  let slack: SlackFarSide;
  let triage: TestTriage;
  beforeAll(async () => {
    slack = createSlackFarSide({ members: [...MEMBERS, MALLORY] });
    slack.listen();
    triage = await startTestTriage(
      kind,
      {
        simulator: { restartHeartbeatDelayMs: 200 },
        outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0, baseBackoffMs: 50 },
        roles: { responders: ['slack:U0JAMES', 'slack:U0MALLORY', 'slack:U0NOBODY'], approvers: [], admins: [], twoPersonRule: true },
      } as never,
      { adapters: [createSlackAdapter(slackConfig())] },
    );
  });
  afterAll(async () => {
    await triage?.close();
    slack?.close();
  });

  const settled = () => triageSettled(triage);
  const cardOf = async (runtime: string): Promise<ApiCall> => {
    await settled();
    const card = slack.calls('chat.postMessage').find((p) => !p.body.thread_ts && JSON.stringify(p.body.blocks).includes(runtime));
    expect(card, `the card of ${runtime} among ${slack.calls('chat.postMessage').map((p) => `${String(p.body.thread_ts ?? '-')} ${textOf(p).slice(0, 200)}`).join('\n')}`).toBeDefined();
    return card!;
  };
  /** Sends a signed request and waits for Triage's answer at its response_url. */
  const answered = async (rawBody: string, responseUrl: string) => {
    expect((await postSigned(triage.url, rawBody)).status).toBe(200);
    await eventually(() => slack.hooks.some((h) => h.url === responseUrl), 10_000);
    return slack.hooks.find((h) => h.url === responseUrl)!.body;
  };
  const press = (actionId: string, card: ApiCall, user: string) => {
    const payload = blockAction(actionId, String(card.response!.ts), { user });
    return answered(actionBody(payload), payload.response_url);
  };
  const command = (text: string, user: string, handle: string) => {
    const body = commandBody(text.split(' ')[0]!, text.split(' ').slice(1).join(' '), { user_id: user, user_name: handle });
    return answered(body, new URLSearchParams(body).get('response_url')!);
  };
  const usersInfo = (user: string) => slack.calls('users.info').filter((c) => c.body.user === user);

  it('a Restart by U0JAMES: the action card, the audit, /audit and the incident thread say "James Okafor"; users.info is asked once', async () => {
    await raiseRuntimeFailures(triage);
    const card = await cardOf('bash-runtime-mike');
    const declared = await command('/incident declare Mike runtime failing', 'U0MALLORY', 'mallory');
    expect(declared.response_type).toBe('in_channel');
    await settled();
    const header = slack.calls('chat.postMessage').find((p) => !p.body.thread_ts && /🚨|Incident #/.test(textOf(p)));
    expect(header, 'the incident header card').toBeDefined();

    const id = restartId(await insightId(triage, 'runtime_execution_failures'));
    expect((await press(id, card, 'U0JAMES')).text).toMatch(/restart/i);
    await settled();
    // The progress card under the pressed card.
    const progress = slack.calls('chat.postMessage').find((p) => p.body.thread_ts === card.response!.ts && /Restart runtime bash-runtime-mike/.test(textOf(p)));
    expect(progress, 'the action card').toBeDefined();
    expect(textOf(progress!)).toContain('pressed by James Okafor at');
    await eventually(() => slack.calls('chat.update').some((u) => u.body.ts === progress!.response!.ts && /heartbeat detected/.test(textOf(u))), 10_000);
    await settled();

    // The audit keeps the name beside the id (roles and the two-person rule stay on the id).
    const audited = await triage.database.query<{ actor: { userId: string; name?: string } }>(sql`select actor from audit_log where actor_key = 'slack:U0JAMES'`);
    expect(audited.length).toBeGreaterThan(0);
    for (const row of audited) expect(row.actor).toMatchObject({ userId: 'U0JAMES', name: 'James Okafor' });
    // The incident thread's line for the action.
    const mirrored = slack.calls('chat.postMessage').filter((p) => p.body.thread_ts === header!.response!.ts).map(textOf).join('\n');
    expect(mirrored).toMatch(/Restart runtime bash-runtime-mike.*James Okafor/);

    const audit = await command('/audit 20', 'U0JAMES', 'james');
    expect(textOf({ body: audit })).toContain('James Okafor');
    const everything = [...slack.api.map(textOf), ...slack.hooks.map((h) => textOf(h))].join('\n');
    expect(everything).not.toMatch(/U0JAMES|\bjames\b/);
    // A click, a command and /audit's own click-free reply: one users.info for James.
    expect(usersInfo('U0JAMES')).toHaveLength(1);
  });

  it('users.info failing (a 500, or user_not_found) still acts, under the handle the payload carries; the minutes name James', async () => {
    const card = await cardOf('bash-runtime-mike');
    slack.behave((call) => (call.method === 'users.info' && call.body.user === 'U0PRIYA' ? HttpResponse.json({ ok: false, error: 'internal_error' }, { status: 500 }) : undefined));
    const dismissed = await press(dismissId(await insightId(triage, 'runtime_execution_failures')), card, 'U0PRIYA');
    slack.behave(undefined);
    expect(dismissed.text).toMatch(/^Dismissed .* as priya;/);
    expect(usersInfo('U0PRIYA').at(-1)!.response).toBeUndefined();

    const resolved = await command('/incident resolve', 'U0NOBODY', 'nobody');
    expect(resolved).toMatchObject({ response_type: 'in_channel', text: expect.stringMatching(/^Incident #\d+ resolved by nobody/) });
    expect(usersInfo('U0NOBODY').at(-1)!.response).toEqual({ ok: false, error: 'user_not_found' });
    await settled();
    const updated = slack.calls('chat.update').filter((u) => u.body.ts === card.response!.ts).map(textOf).join('\n');
    expect(updated).toContain('Dismissed by priya');
    // The minutes, in the incident's thread: the done action items say who did them.
    const header = slack.calls('chat.postMessage').find((p) => !p.body.thread_ts && /Incident #/.test(textOf(p)))!;
    await eventually(() => slack.calls('chat.postMessage').some((p) => p.body.thread_ts === header.response!.ts && /minutes|post-mortem/i.test(textOf(p))), 15_000);
    const minutes = slack.calls('chat.postMessage').filter((p) => p.body.thread_ts === header.response!.ts && /minutes|post-mortem/i.test(textOf(p))).map(textOf).join('\n');
    expect(minutes).toContain('James Okafor');
    expect(minutes).not.toMatch(/U0JAMES|slack:/);
  });

  it('a display name made of mentions ("<!channel> @everyone <@U0ELENA>") pings nobody: shown as text everywhere', async () => {
    const everything = [...slack.api.map(textOf), ...slack.hooks.map((h) => textOf(h))];
    // Mallory declared the incident in the first test: the header card and the in-channel answer name her.
    const naming = everything.filter((t) => t.includes('&lt;!channel&gt;'));
    expect(naming.length).toBeGreaterThanOrEqual(2);
    for (const text of naming) expect(text).toContain(`&lt;!channel&gt; @${ZWSP}everyone &lt;@U0ELENA&gt;`);
    for (const text of everything) {
      expect(text).not.toMatch(/<!(?:channel|here|everyone|subteam\^)|<@U/);
      expect(text).not.toMatch(/@(?:everyone|here|channel)/);
    }
  });
});
