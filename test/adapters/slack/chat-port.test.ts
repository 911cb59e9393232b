import { http, HttpResponse } from 'msw';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { slackChannels } from '../../../adapters/slack/channels.js';
import { createSlackChatPort } from '../../../adapters/slack/chat-port.js';
import { renderCard } from '../../../adapters/slack/render.js';
import { createWebClient } from '../../../adapters/slack/web-client.js';
import { Card } from '../../../src/chat/card.js';
import { createSlackFarSide, OPS_CHANNEL, SLACK_API, slackConfig, type SlackFarSide } from './support.js';

/** The ChatPort against msw standing in for the Web API: exact bodies, and every failure's mapping. */
describe('Slack ChatPort', () => {
  let slack: SlackFarSide;
  const logged: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(line) });
  const config = slackConfig({ channels: { leads: 'C0LEADS' } });
  let port: ReturnType<typeof createSlackChatPort>;
  const card = Card.parse({ title: 'Runtime bash-runtime-mike unreachable', severity: 'critical', text: 'No heartbeat for 6 minutes.', actions: [{ id: 'v1|dismiss|insight:7', label: 'Dismiss' }] });

  beforeAll(() => {
    slack = createSlackFarSide();
    slack.listen();
    // After listen: the WebClient keeps the fetch it finds when built, and msw replaces it.
    port = createSlackChatPort({ client: createWebClient(config, logger), channels: slackChannels(config), logger });
  });
  afterAll(() => slack.close());
  afterEach(() => {
    slack.reset();
    slack.server.resetHandlers();
    logged.length = 0;
  });

  it('posts to the SLACK_CHANNEL id with the rendered text and blocks, and returns channel:ts', async () => {
    const posted = await port.post('ops', card);
    const [call] = slack.calls('chat.postMessage');
    expect(call!.body).toEqual({ channel: OPS_CHANNEL, ...renderCard(card) });
    expect(posted).toEqual({ ok: true, value: { messageId: `${OPS_CHANNEL}:${call!.response!.ts}` } });
  });

  it('posts a mapped logical channel to its own Slack channel', async () => {
    await port.post('leads', card);
    expect(slack.calls('chat.postMessage')[0]!.body.channel).toBe('C0LEADS');
  });

  it('updates the message where it was posted, with the new card', async () => {
    const dismissed = { ...card, state: 'dismissed' as const, actions: [] };
    expect(await port.update('ops', `${OPS_CHANNEL}:1700000001.000100`, dismissed)).toEqual({ ok: true, value: undefined });
    expect(slack.calls('chat.update')[0]!.body).toEqual({ channel: OPS_CHANNEL, ts: '1700000001.000100', ...renderCard(dismissed) });
  });

  it('posts in a thread with thread_ts, and answers one person with chat.postEphemeral', async () => {
    await port.postInThread('ops', `${OPS_CHANNEL}:1700000001.000100`, card);
    expect(slack.calls('chat.postMessage')[0]!.body).toEqual({ channel: OPS_CHANNEL, thread_ts: '1700000001.000100', ...renderCard(card) });
    expect(await port.replyPrivately('ops', 'U0PRIYA', card)).toEqual({ ok: true, value: undefined });
    expect(slack.calls('chat.postEphemeral')[0]!.body).toEqual({ channel: OPS_CHANNEL, user: 'U0PRIYA', ...renderCard(card) });
  });

  it('a 429 with Retry-After is rate_limited with that delay, after exactly one call', async () => {
    slack.behave(() => new HttpResponse('', { status: 429, headers: { 'retry-after': '7' } }));
    expect(await port.post('ops', card)).toEqual({ ok: false, error: { code: 'rate_limited', retryAfterMs: 7_000 } });
    expect(slack.api).toHaveLength(1);
  });

  it.each([
    ['channel_not_found', /invite the bot \(\/invite @Triage in #ops \(C0OPS12345\)\)/],
    ['not_in_channel', /invite it with \/invite @Triage/],
    ['invalid_auth', /SLACK_BOT_TOKEN/],
    ['account_inactive', /reinstall the app/],
  ])('%s is permanent, with the fix in the message and the log', async (error, fix) => {
    slack.behave(() => HttpResponse.json({ ok: false, error }));
    const posted = await port.post('ops', card);
    expect(posted.ok).toBe(false);
    if (posted.ok) return;
    expect(posted.error.code).toBe('permanent');
    expect(posted.error).toMatchObject({ message: expect.stringMatching(fix) });
    expect(logged.join('\n')).toMatch(fix);
  });

  it('5xx and a dropped connection are transient', async () => {
    slack.behave(() => new HttpResponse('upstream down', { status: 503 }));
    expect(await port.update('ops', `${OPS_CHANNEL}:1.2`, card)).toMatchObject({ ok: false, error: { code: 'transient' } });
    slack.server.use(http.post(`${SLACK_API}chat.postMessage`, () => HttpResponse.error()));
    expect(await port.post('ops', card)).toMatchObject({ ok: false, error: { code: 'transient', message: expect.stringMatching(/could not reach Slack/) } });
  });

  it('a logical channel with no Slack channel is permanent and says what to set', async () => {
    const bare = slackConfig({ channel: undefined, channels: { leads: 'C0LEADS' } });
    const noDefault = createSlackChatPort({ client: createWebClient(bare, logger), channels: slackChannels(bare), logger });
    expect(await noDefault.post('ops', card)).toEqual({ ok: false, error: { code: 'permanent', message: 'no Slack channel for #ops: set SLACK_CHANNEL or slack.channels.ops' } });
    expect(slack.api).toHaveLength(0);
  });
});
