import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest, DISCORD_USER_AGENT } from '../../../adapters/discord/rest.js';

/**
 * adapters/discord/rest.ts over discord.js's REST client keeps today's contract: Discord's
 * refusals become the same ChatErrors with the fix in words, a missed deadline is transient, the
 * token is never repeated, bodies go out as built (nonces included), and an operator is warned
 * before Discord's ban on invalid requests.
 */
const API = 'https://discord.test/api/v10';
const TOKEN = 'MTEz.rest-errors-test-bot-token.Hy3';
const CHANNEL = '1100000000000000001';
type Seen = { method: string; url: string; headers: Record<string, string>; body: unknown };
const seen: Seen[] = [];
let answer: () => Response | Promise<Response> = () => HttpResponse.json({ id: '1500000000000000001', channel_id: CHANNEL });
const server = setupServer(
  http.all(`${API}/*`, async ({ request }) => {
    const text = await request.text();
    seen.push({ method: request.method, url: request.url, headers: Object.fromEntries(request.headers), body: text ? JSON.parse(text) : undefined });
    return answer();
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  seen.length = 0;
  answer = () => HttpResponse.json({ id: '1500000000000000001', channel_id: CHANNEL });
});
afterAll(() => server.close());

const logged: string[] = [];
const rest = (options: { timeoutMs?: number; invalidRequestsWarnEvery?: number } = {}) =>
  createDiscordRest({ token: TOKEN, apiUrl: API, timeoutMs: options.timeoutMs ?? 2_000, logger: pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) }), ...options });
const discordError = (status: number, code: number, message: string) => () => HttpResponse.json({ message, code }, { status });
const post = (client = rest()) => client.request('POST', `/channels/${CHANNEL}/messages`, { content: 'hi', nonce: 'n-1', enforce_nonce: true }, { channelLabel: `#ops (${CHANNEL})` });

describe('Discord REST errors and requests', () => {
  it('sends the body as built, nonce and enforce_nonce included, with pings off, the bot token and discord.js\'s user agent', async () => {
    expect(await post()).toEqual({ ok: true, value: { id: '1500000000000000001', channel_id: CHANNEL } });
    expect(seen).toMatchObject([{ method: 'POST', url: `${API}/channels/${CHANNEL}/messages`, body: { content: 'hi', nonce: 'n-1', enforce_nonce: true, allowed_mentions: { parse: [] } } }]);
    expect(seen[0]!.headers).toMatchObject({ authorization: `Bot ${TOKEN}`, 'content-type': 'application/json', 'user-agent': DISCORD_USER_AGENT });
    expect(DISCORD_USER_AGENT).toMatch(/^DiscordBot \(https:\/\/discord\.js\.org, [\d.]+\) Triage/);
  });

  it('keeps a query string apart from the route, and a 204 is a success without a body', async () => {
    answer = () => new HttpResponse(null, { status: 204 });
    expect(await rest().request('POST', '/webhooks/1100000000000000009/tok-en?wait=true', { content: 'x' })).toEqual({ ok: true, value: undefined });
    expect(seen[0]!.url).toBe(`${API}/webhooks/1100000000000000009/tok-en?wait=true`);
    expect(seen[0]!.body).toEqual({ content: 'x', allowed_mentions: { parse: [] } });
  });

  it.each([
    ['401', discordError(401, 0, '401: Unauthorized'), /Discord refused the bot token: set DISCORD_BOT_TOKEN .*Reset Token/],
    ['403 Missing Permissions (50013)', discordError(403, 50013, 'Missing Permissions'), /may not post in #ops \(\d+\) \(Missing Permissions\): invite the bot to that channel and grant it View Channel, Send Messages/],
    ['403 Missing Access (50001)', discordError(403, 50001, 'Missing Access'), /Missing Access.*invite the bot to that channel/],
    ['404 Unknown Channel', discordError(404, 10003, 'Unknown Channel'), /does not exist or the bot cannot see it: check DISCORD_CHANNEL/],
    ['404 Unknown Message', discordError(404, 10008, 'Unknown Message'), /message deleted in Discord/],
  ])('%s is permanent with the fix in words, and Discord\'s code kept for the adapter', async (_name, respond, fix) => {
    answer = respond;
    const result = await post();
    expect(result).toMatchObject({ ok: false, error: { code: 'permanent', message: expect.stringMatching(fix) } });
    expect(!result.ok && result.error.discordCode).toBe(JSON.parse(await respond().text()).code);
  });

  it('a 401 does not make the client forget the token: the next call gets the same answer, not a local error', async () => {
    answer = discordError(401, 0, '401: Unauthorized');
    const client = rest();
    await post(client);
    expect(await post(client)).toMatchObject({ ok: false, error: { code: 'permanent', message: expect.stringMatching(/DISCORD_BOT_TOKEN/) } });
    expect(seen).toHaveLength(2);
  });

  it('a 400 names Discord\'s first form error as a renderer bug', async () => {
    const errors = { embeds: { 0: { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' }] } } } };
    answer = () => HttpResponse.json({ message: 'Invalid Form Body', code: 50035, errors }, { status: 400 });
    expect(await post()).toMatchObject({ ok: false, error: { code: 'permanent', message: 'Discord rejected the message (a renderer bug): embeds.0.title: Must be 256 or fewer in length.' } });
  });

  it('5xx, a dropped connection and a missed deadline are transient, each after one call, and no message repeats the token', async () => {
    answer = () => HttpResponse.json({ message: `upstream down for Bot ${TOKEN}` }, { status: 502 });
    const unavailable = await post();
    expect(unavailable).toMatchObject({ ok: false, error: { code: 'transient', message: expect.stringMatching(/HTTP 502/) } });
    answer = () => HttpResponse.error();
    const dropped = await post();
    expect(dropped).toMatchObject({ ok: false, error: { code: 'transient', message: expect.stringMatching(/could not reach Discord/) } });
    answer = async () => {
      await delay(3_000);
      return HttpResponse.json({});
    };
    const started = Date.now();
    const late = await post(rest({ timeoutMs: 150 }));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(late).toEqual({ ok: false, error: { code: 'transient', message: 'Discord did not answer within 150 ms' } });
    expect(seen).toHaveLength(3);
    expect(JSON.stringify([unavailable, dropped, late])).not.toContain(TOKEN);
  });

  it('a refusal that quotes the token is scrubbed', async () => {
    answer = discordError(403, 50013, `no: Bot ${TOKEN}`);
    const result = await post();
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(JSON.stringify(result)).toContain('[redacted]');
  });

  it('without a token, the answer is the fix, and nothing is sent', async () => {
    expect(await createDiscordRest({ token: '', apiUrl: API }).request('GET', '/users/@me')).toMatchObject({ ok: false, error: { code: 'permanent', message: expect.stringMatching(/set DISCORD_BOT_TOKEN/) } });
    expect(seen).toHaveLength(0);
  });

  it('warns the operator as invalid requests (401, 403, 429) pile up towards Discord\'s ban, with the count and what to check', async () => {
    answer = discordError(403, 50013, 'Missing Permissions');
    logged.length = 0;
    const client = rest({ invalidRequestsWarnEvery: 2 });
    for (let i = 0; i < 4; i++) await post(client);
    const warnings = logged.map((line) => JSON.parse(line) as { invalidRequests: number; banAt: number; msg: string });
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings[0]).toMatchObject({ banAt: 10_000, msg: expect.stringMatching(/invalid requests .* bans this IP for an hour.*bot token.*permissions/) });
    expect(warnings[0]!.invalidRequests % 2).toBe(0);
  });
});
