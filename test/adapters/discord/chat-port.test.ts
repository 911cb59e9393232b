import { delay, HttpResponse } from 'msw';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { discordChannels } from '../../../adapters/discord/channels.js';
import { createDiscordChatPort, nonceOf } from '../../../adapters/discord/chat-port.js';
import { createDiscordRest, DISCORD_USER_AGENT } from '../../../adapters/discord/rest.js';
import { Card } from '../../../src/chat/card.js';
import { createOutbox } from '../../../src/chat/outbox/index.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../../support/databases.js';
import { driveUntil } from '../../chat/support/drive.js';
import { fakeClock, outboxRows } from '../../chat/support/fake-chat.js';
import {
  createDiscordFarSide,
  DISCORD_API,
  discordError,
  fakeRender,
  LEADS_CHANNEL,
  OPS_CHANNEL,
  rateLimited,
  TOKEN,
  type DiscordFarSide,
} from './support.js';

const card = Card.parse({ title: 'Runtime bash-runtime-mike unreachable', severity: 'critical', text: 'No heartbeat for 6 minutes.' });
const reply = Card.parse({ title: 'Restarted bash-runtime-mike', severity: 'info' });
const opsMessages = `/channels/${OPS_CHANNEL}/messages`;

let discord: DiscordFarSide;
const logged: string[] = [];
const logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(line) });
const channels = discordChannels({ channel: OPS_CHANNEL, channels: { leads: LEADS_CHANNEL } });
const portWith = (timeoutMs?: number, config = channels) =>
  createDiscordChatPort({ rest: createDiscordRest({ token: TOKEN, apiUrl: DISCORD_API, timeoutMs }), channels: config, render: fakeRender, logger });

beforeAll(() => {
  discord = createDiscordFarSide();
  discord.listen();
});
afterAll(() => discord.close());
afterEach(() => {
  discord.reset();
  logged.length = 0;
});

/** The ChatPort against msw standing in for Discord's REST API: exact requests, and every failure's mapping. */
describe('Discord ChatPort', () => {
  it('posts the rendered card with the bot token, a nonce and enforce_nonce, and returns channelId:messageId', async () => {
    const posted = await portWith().post('ops', card, { idempotencyKey: 'outbox:1' });
    const [call, ...more] = discord.calls;
    expect(more).toHaveLength(0);
    expect(call).toMatchObject({ method: 'POST', path: opsMessages });
    expect(call!.headers).toMatchObject({ authorization: `Bot ${TOKEN}`, 'content-type': 'application/json', 'user-agent': DISCORD_USER_AGENT });
    expect(call!.body).toEqual({ ...fakeRender(card), nonce: nonceOf('outbox:1'), enforce_nonce: true });
    expect(nonceOf('outbox:1')).toMatch(/^[0-9a-f]{25}$/);
    expect(posted).toEqual({ ok: true, value: { messageId: `${OPS_CHANNEL}:${call!.response!.id}` } });
  });

  it('a retried post sends the same nonce, so Discord answers with the message it already made', async () => {
    const port = portWith();
    const first = await port.post('ops', card, { idempotencyKey: 'outbox:2' });
    const again = await port.post('ops', card, { idempotencyKey: 'outbox:2' });
    expect(again).toEqual(first);
    expect(new Set(discord.calls.map((c) => c.body!.nonce)).size).toBe(1);
    expect(discord.messagesIn(OPS_CHANNEL)).toHaveLength(1);
  });

  it('posts a mapped logical channel to its own Discord channel', async () => {
    await portWith().post('leads', card);
    expect(discord.calls[0]).toMatchObject({ method: 'POST', path: `/channels/${LEADS_CHANNEL}/messages`, body: fakeRender(card) });
  });

  it('updates the message where it was posted, with PATCH and the new card', async () => {
    const port = portWith();
    const posted = await port.post('ops', card);
    if (!posted.ok) throw new Error('post failed');
    const acknowledged = { ...card, state: 'acknowledged' as const, title: 'Runtime down (acknowledged)' };
    expect(await port.update('ops', posted.value.messageId, acknowledged)).toEqual({ ok: true, value: undefined });
    const id = posted.value.messageId.split(':')[1];
    expect(discord.callsTo('PATCH', `${opsMessages}/${id}`)).toMatchObject([{ body: fakeRender(acknowledged), headers: { authorization: `Bot ${TOKEN}` } }]);
    expect(discord.messagesIn(OPS_CHANNEL)).toMatchObject([{ id, content: 'Runtime down (acknowledged)' }]);
  });

  it('starts a thread on the parent message the first time, then posts into the thread channel', async () => {
    const port = portWith();
    const parent = await port.post('ops', card);
    if (!parent.ok) throw new Error('post failed');
    const parentId = parent.value.messageId.split(':')[1]!;
    const first = await port.postInThread('ops', parent.value.messageId, reply, { idempotencyKey: 'outbox:3' });
    const second = await port.postInThread('ops', parent.value.messageId, reply, { idempotencyKey: 'outbox:4' });

    expect(discord.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      `POST ${opsMessages}`,
      `POST ${opsMessages}/${parentId}/threads`,
      `POST /channels/${parentId}/messages`,
      `POST /channels/${parentId}/messages`,
    ]);
    expect(discord.calls[1]!.body).toEqual({ name: reply.title, auto_archive_duration: 1440 });
    expect(discord.calls[2]!.body).toEqual({ ...fakeRender(reply), nonce: nonceOf('outbox:3'), enforce_nonce: true });
    const [inThread1, inThread2] = discord.messagesIn(parentId);
    expect(first).toEqual({ ok: true, value: { messageId: `${parentId}:${inThread1!.id}` } });
    expect(second).toEqual({ ok: true, value: { messageId: `${parentId}:${inThread2!.id}` } });
  });

  it('reuses the thread Discord already has (400, code 160004) and posts into it, logging nothing', async () => {
    const parent = await portWith().post('ops', card);
    if (!parent.ok) throw new Error('post failed');
    const parentId = parent.value.messageId.split(':')[1]!;
    discord.addThread(parentId);
    // A fresh port: another replica, or this one after a restart, knows nothing of the thread.
    const posted = await portWith().postInThread('ops', parent.value.messageId, reply);
    expect(discord.calls.slice(1).map((c) => [`${c.method} ${c.path}`, c.status])).toEqual([
      [`POST ${opsMessages}/${parentId}/threads`, 400],
      [`POST /channels/${parentId}/messages`, 200],
    ]);
    expect(posted).toEqual({ ok: true, value: { messageId: `${parentId}:${discord.messagesIn(parentId)[0]!.id}` } });
    expect(logged).toEqual([]);
  });

  it('a 429 is rate_limited for retry_after (fractional seconds), or the Retry-After header, after exactly one call', async () => {
    discord.behave(() => rateLimited(1.5));
    expect(await portWith().post('ops', card)).toEqual({ ok: false, error: { code: 'rate_limited', retryAfterMs: 1_500 } });
    expect(discord.calls).toHaveLength(1);
    discord.behave(() => new HttpResponse('<html>slow down</html>', { status: 429, headers: { 'retry-after': '3' } }));
    expect(await portWith().post('ops', card)).toEqual({ ok: false, error: { code: 'rate_limited', retryAfterMs: 3_000 } });
  });

  it('5xx and a dropped connection are transient, and never repeat the token', async () => {
    discord.behave(() => discordError(503, 0, `upstream down for Bot ${TOKEN}`));
    const unavailable = await portWith().post('ops', card);
    expect(unavailable).toMatchObject({ ok: false, error: { code: 'transient', message: expect.stringMatching(/HTTP 503/) } });
    expect(JSON.stringify(unavailable)).not.toContain(TOKEN);
    discord.behave(() => HttpResponse.error());
    expect(await portWith().post('ops', card)).toMatchObject({ ok: false, error: { code: 'transient', message: expect.stringMatching(/could not reach Discord/) } });
    expect(discord.calls).toHaveLength(2);
  });

  it('a call that outlives its deadline is transient, and returns within the bound', async () => {
    discord.behave(async () => {
      await delay(5_000);
      return HttpResponse.json({});
    });
    const started = Date.now();
    const posted = await portWith(200).post('ops', card);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(posted).toEqual({ ok: false, error: { code: 'transient', message: 'Discord did not answer within 200 ms' } });
  });

  it.each([
    ['401', () => discordError(401, 0, '401: Unauthorized'), /Discord refused the bot token: set DISCORD_BOT_TOKEN/],
    ['403 Missing Permissions', () => discordError(403, 50013, 'Missing Permissions'), /#ops \(\d+\).*invite the bot to that channel.*Send Messages, Embed Links and Read Message History.*Create Public Threads/],
    ['403 Missing Access', () => discordError(403, 50001, 'Missing Access'), /Missing Access.*invite the bot to that channel/],
    ['404 Unknown Channel', () => discordError(404, 10003, 'Unknown Channel'), new RegExp(`channel #ops \\(${OPS_CHANNEL}\\) does not exist.*DISCORD_CHANNEL / discord.channels`)],
  ])('%s is permanent, with the fix in the message and the log, never the token', async (_name, respond, fix) => {
    discord.behave(respond);
    const posted = await portWith().post('ops', card);
    expect(posted).toMatchObject({ ok: false, error: { code: 'permanent', message: expect.stringMatching(fix) } });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(fix);
    expect(JSON.stringify(posted) + logged.join('')).not.toContain(TOKEN);
  });

  it('updating a deleted message is permanent: message deleted', async () => {
    const updated = await portWith().update('ops', `${OPS_CHANNEL}:1300000000000000999`, card);
    expect(updated).toMatchObject({ ok: false, error: { code: 'permanent', message: expect.stringMatching(/message deleted/) } });
    expect(logged).toHaveLength(1);
  });

  it('a 400 is a renderer bug, named by Discord\'s first form error', async () => {
    const errors = { embeds: { 0: { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' }] } } } };
    discord.behave(() => discordError(400, 50035, 'Invalid Form Body', { errors }));
    expect(await portWith().post('ops', card)).toEqual({
      ok: false,
      error: { code: 'permanent', message: 'Discord rejected the message (a renderer bug): embeds.0.title: Must be 256 or fewer in length.' },
    });
  });

  it('a success Triage cannot read (no message id, or not JSON) is transient', async () => {
    discord.behave(() => HttpResponse.json({ ok: true }));
    expect(await portWith().post('ops', card)).toMatchObject({ ok: false, error: { code: 'transient', message: expect.stringMatching(/without a message id/) } });
    discord.behave(() => new HttpResponse('<html>welcome</html>', { status: 200 }));
    expect(await portWith().post('ops', card)).toMatchObject({ ok: false, error: { code: 'transient', message: expect.stringMatching(/not JSON/) } });
  });

  it('a logical channel with no Discord channel, and a private reply, are permanent without a request', async () => {
    const bare = portWith(undefined, discordChannels({ channels: { leads: LEADS_CHANNEL } }));
    expect(await bare.post('ops', card)).toEqual({ ok: false, error: { code: 'permanent', message: 'no Discord channel for #ops: set DISCORD_CHANNEL or discord.channels.ops' } });
    expect(await portWith().replyPrivately('ops', '1400000000000000001', card)).toEqual({
      ok: false,
      error: { code: 'permanent', message: 'Discord shows private answers only in reply to a command or button' },
    });
    expect(discord.calls).toHaveLength(0);
    expect(portWith().platform).toBe('discord');
  });
});

/** The real outbox (PGlite, or PostgreSQL with TEST_DATABASE_URL) delivering through this port. */
describe.each(oneDatabaseKind())('the outbox over the Discord ChatPort on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());

  it('posts a card once through a 429, updates it in place, and replies in its thread', async () => {
    const clock = fakeClock();
    discord.useClock(clock.now);
    const outbox = createOutbox({ database, ports: new Map([['discord', portWith()]]), now: clock.now, random: () => 0.5 });
    let refused = false;
    discord.behave((call) => (call.path === opsMessages && !refused ? ((refused = true), rateLimited(1.5)) : undefined));

    await outbox.enqueuePost({ platform: 'discord', channel: 'ops', cardKey: 'insight:1', card });
    await driveUntil(outbox, clock, () => discord.messagesIn(OPS_CHANNEL).length === 1);
    const [limited, retried, ...more] = discord.callsTo('POST', opsMessages);
    expect(more).toHaveLength(0);
    expect([limited!.status, retried!.status]).toEqual([429, 200]);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(1_500);
    // Retry-After, plus at most 250 ms of jitter so replicas do not all come back at once.
    expect(retried!.at - limited!.at).toBeLessThan(1_800);
    expect(retried!.body!.nonce).toBe(limited!.body!.nonce);

    const messageId = String(retried!.response!.id);
    await outbox.enqueueUpdate({ platform: 'discord', channel: 'ops', cardKey: 'insight:1', card: { ...card, title: 'Runtime recovered' } });
    await driveUntil(outbox, clock, () => discord.calls.some((c) => c.method === 'PATCH'));
    expect(discord.callsTo('PATCH', `${opsMessages}/${messageId}`)).toHaveLength(1);
    expect(discord.messagesIn(OPS_CHANNEL)).toMatchObject([{ id: messageId, content: 'Runtime recovered' }]);

    await outbox.enqueuePost({ platform: 'discord', channel: 'ops', cardKey: 'insight:1:restart', threadCardKey: 'insight:1', card: reply });
    await driveUntil(outbox, clock, () => discord.messagesIn(messageId).length === 1);
    expect(discord.hasThread(messageId)).toBe(true);
    expect(discord.callsTo('POST', `${opsMessages}/${messageId}/threads`)).toHaveLength(1);
    expect(discord.messagesIn(messageId)).toMatchObject([{ content: reply.title }]);
    expect(discord.calls).toHaveLength(5);
    expect(await outboxRows(database)).toMatchObject([
      // The 429 gave its attempt back: only the try that went through counts.
      { kind: 'post', status: 'sent', attempts: 1, card_key: 'insight:1' },
      { kind: 'update', status: 'sent', attempts: 1, card_key: 'insight:1' },
      { kind: 'post', status: 'sent', attempts: 1, card_key: 'insight:1:restart' },
    ]);
  });
});
