import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { discordTokenProbe } from '../../../adapters/discord/probe.js';
import { createDiscordRest } from '../../../adapters/discord/rest.js';

/** Doctor's Secrets check asks Discord whether the bot token still works. */
const API = 'http://discord.test/api/v10';
const TOKEN = 'MTEz.probe-test-bot-token.secret';
let answer: () => Response = () => HttpResponse.json({ id: '1', username: 'Triage' });
const server = setupServer(http.get(`${API}/users/@me`, () => answer()));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => (answer = () => HttpResponse.json({ id: '1', username: 'Triage' })));
afterAll(() => server.close());

const probe = (timeoutMs = 2_000) => discordTokenProbe(createDiscordRest({ token: TOKEN, apiUrl: API, timeoutMs }));

describe('Discord bot token probe', () => {
  it('names the bot when the token works', async () => {
    expect(await probe().probe(new AbortController().signal)).toEqual({ ok: true, value: 'bot Triage' });
  });

  it('a refused token is an answer about the token, with the fix and without the token', async () => {
    answer = () => HttpResponse.json({ message: '401: Unauthorized', code: 0 }, { status: 401 });
    const result = await probe().probe(new AbortController().signal);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/DISCORD_BOT_TOKEN/);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it('no answer is not a verdict on the token: it throws, and Doctor says it could not check', async () => {
    answer = () => HttpResponse.json({ message: 'oops' }, { status: 503 });
    await expect(probe().probe(new AbortController().signal)).rejects.toThrow(/could not reach Discord/);
    const aborted = new AbortController();
    aborted.abort();
    await expect(probe().probe(aborted.signal)).rejects.toThrow(/no answer from Discord in time/);
  });
});
