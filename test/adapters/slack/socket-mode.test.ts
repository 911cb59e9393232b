import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../../adapters/slack/index.js';
import { SlackConfig } from '../../../src/config.js';
import { eventually } from '../../chat/support/drive.js';
import { oneDatabaseKind } from '../../support/databases.js';
import { startTestTriage, type TestTriage } from '../../support/triage.js';
import { startSlackStandIn, WS_PATH, type ApiCall, type SlackStandIn } from './socket-support.js';
import { raiseRuntimeFailures } from './triage.js';

const APP_TOKEN = 'xapp-1-A1-socket-test';
const CHANNEL = 'C0OPS';

type Block = { type: string; elements?: { type: string; action_id?: string; text?: { text: string } }[] };
const buttonId = (call: ApiCall, label: string) =>
  (call.body.blocks as Block[])
    .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
    .find((e) => e.text?.text === label)?.action_id;

let envelopes = 0;
const envelopeId = () => `env-${Date.now()}-${++envelopes}`;

/**
 * Socket Mode end to end: the real Triage with the real Bolt SocketModeReceiver, against a real
 * HTTP + WebSocket stand-in for Slack. Nothing here is signed: the app token authenticates the
 * connection, and everything people do arrives as envelopes on it that must be acked by id.
 */
describe.each(oneDatabaseKind())('Slack over Socket Mode on %s', (kind) => {
  let slack: SlackStandIn;
  let triage: TestTriage;
  // Log lines as objects: how the test knows a redelivered click was seen and set aside.
  const logs: { msg?: string }[] = [];

  beforeAll(async () => {
    slack = await startSlackStandIn();
    const config = SlackConfig.parse({ botToken: 'xoxb-socket-test', appToken: APP_TOKEN, channel: CHANNEL, apiUrl: slack.apiUrl });
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as { msg?: string }) });
    triage = await startTestTriage(kind, { slack: config, outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0, baseBackoffMs: 50 } } as never, {
      adapters: [createSlackAdapter(config)],
      logger,
    });
  });
  afterAll(async () => {
    await triage?.close();
    await slack?.close();
  });

  it('connects: apps.connections.open with the app token, then the WebSocket URL it was given', async () => {
    await eventually(() => logs.some((l) => l.msg === 'Slack connected over Socket Mode'), 10_000);
    const opens = slack.calls('apps.connections.open');
    expect(opens).toHaveLength(1);
    expect(opens[0]!.authorization).toBe(`Bearer ${APP_TOKEN}`);
    expect(slack.connections).toHaveLength(1);
    expect(slack.connections[0]!.url).toBe(WS_PATH);
    expect(slack.connections[0]!.closed).toBeUndefined();
  });

  it('/triage help: the envelope is acked by its id within 3 s, then the help arrives at response_url, ephemeral', async () => {
    const id = envelopeId();
    const responseUrl = slack.hookUrl('commands/T0TEAM/1/1');
    const sentAt = slack.send({
      envelope_id: id,
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        token: 'deprecated-verification-token',
        team_id: 'T0TEAM',
        team_domain: 'acme',
        channel_id: CHANNEL,
        channel_name: 'ops',
        user_id: 'U0PRIYA',
        user_name: 'priya',
        command: '/triage',
        text: 'help',
        api_app_id: 'A1',
        is_enterprise_install: 'false',
        response_url: responseUrl,
        trigger_id: `1337.${Date.now()}.1`,
      },
    });
    await eventually(() => slack.acks(id).length > 0, 3_000);
    expect(slack.acks(id)[0]!.at - sentAt).toBeLessThan(3_000);

    await eventually(() => slack.hooks.some((h) => h.url === responseUrl), 10_000);
    const replies = slack.hooks.filter((h) => h.url === responseUrl);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: expect.stringContaining('/triage help') });
    expect(slack.acks(id)).toHaveLength(1);
  });

  it('a Dismiss on a real insight card is acked and acted on once; the same click redelivered is acked and not acted on', async () => {
    await raiseRuntimeFailures(triage);
    const card = () => slack.calls('chat.postMessage').find((p) => !p.body.thread_ts && buttonId(p, 'Dismiss'));
    await eventually(() => card() !== undefined, 15_000);
    const posted = card()!;
    const ts = String(posted.response.ts);
    const actionId = buttonId(posted, 'Dismiss')!;
    const dismissed = () => slack.calls('chat.update').filter((u) => u.body.ts === ts && /dismissed/i.test(JSON.stringify(u.body.blocks)));
    expect(dismissed()).toHaveLength(0);

    const responseUrl = slack.hookUrl('actions/T0TEAM/2/1');
    const click = (id: string) =>
      slack.send({
        envelope_id: id,
        type: 'interactive',
        accepts_response_payload: false,
        payload: {
          type: 'block_actions',
          team: { id: 'T0TEAM', domain: 'acme' },
          user: { id: 'U0JAMES', username: 'james', name: 'james', team_id: 'T0TEAM' },
          api_app_id: 'A1',
          token: 'deprecated-verification-token',
          trigger_id: '1338.1',
          container: { type: 'message', message_ts: ts, channel_id: CHANNEL, is_ephemeral: false },
          channel: { id: CHANNEL, name: 'ops' },
          message: { type: 'message', ts, text: 'card' },
          response_url: responseUrl,
          // Slack stamps the click once: a redelivery carries the same action_ts.
          actions: [{ type: 'button', action_id: actionId, block_id: 'actions', text: { type: 'plain_text', text: 'Dismiss' }, action_ts: '1700000999.000001' }],
        },
      });

    const first = envelopeId();
    const sentAt = click(first);
    await eventually(() => slack.acks(first).length > 0, 3_000);
    expect(slack.acks(first)[0]!.at - sentAt).toBeLessThan(3_000);
    await eventually(() => dismissed().length > 0, 10_000);
    await eventually(() => slack.hooks.some((h) => h.url === responseUrl), 10_000);
    expect(slack.hooks.find((h) => h.url === responseUrl)!.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/^Dismissed/) });

    // Redelivered: a new envelope id, the same click. Acked (or Slack keeps retrying), not acted on.
    const again = envelopeId();
    click(again);
    await eventually(() => slack.acks(again).length > 0, 3_000);
    await eventually(() => logs.some((l) => l.msg === 'Slack redelivered a click; already handled'), 10_000);
    await triage.evaluator.idle();
    await eventually(async () => {
      const stats = await triage.outbox.stats();
      return stats.pending === 0 && stats.inFlight === 0;
    }, 15_000);
    expect(dismissed()).toHaveLength(1);
    expect(slack.hooks.filter((h) => h.url === responseUrl)).toHaveLength(1);
    expect(slack.acks(first)).toHaveLength(1);
    expect(slack.acks(again)).toHaveLength(1);
  });

  it("Slack's routine disconnect: Triage reconnects, riding out a 503 from apps.connections.open", async () => {
    const opens = slack.calls('apps.connections.open').length;
    slack.failNext('apps.connections.open');
    slack.send({ type: 'disconnect', reason: 'refresh_requested', debug_info: { host: 'applink-test' } });
    // The client waits its ping timeout (5 s) before reconnecting, then the retry waits 1 s.
    await eventually(() => slack.connections.length === 2, 15_000);
    expect(slack.connections[0]!.closed?.code).toBe(1000);
    expect(slack.connections[1]!.url).toBe(WS_PATH);
    expect(slack.calls('apps.connections.open').map((c) => c.response.status ?? 200)).toEqual([...Array<number>(opens).fill(200), 503, 200]);
  }, 20_000);

  it('stop() closes the socket with a normal closure, and does not reconnect', async () => {
    // The previous test's reconnect must have settled: one open socket, nothing reconnecting.
    await eventually(() => slack.connections.filter((c) => !c.closed).length === 1, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const connection = slack.connections.find((c) => !c.closed)!;
    const opens = slack.calls('apps.connections.open').length;
    expect(connection.closed).toBeUndefined();
    await triage.stop();
    await eventually(() => connection.closed !== undefined, 5_000);
    expect(connection.closed!.code).toBe(1000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slack.connections.filter((c) => !c.closed)).toHaveLength(0);
    expect(slack.calls('apps.connections.open')).toHaveLength(opens);
  });
});
