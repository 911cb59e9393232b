import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../adapters/discord/rest.js';
import type { DiscordError } from '../../../adapters/discord/errors.js';
import type { Result } from '../../../src/result.js';
import { API, createRateLimitedDiscord, TOKEN, type RateLimitedDiscord } from './rest-limits-far-side.js';

/**
 * Discord's rate limits as the outbox sees them through adapters/discord/rest.ts: discord.js keeps
 * each route's bucket and the global limit, and every wait comes back at once as `rate_limited`
 * with its retry-after (the outbox retries then, without counting a failure), never as a sleep
 * inside the call and never as a request Discord would refuse.
 */
const CHANNEL = '1100000000000000001';
const OTHER_CHANNEL = '1100000000000000002';
const WINDOW_MS = 300;
let discord: RateLimitedDiscord;
beforeAll(() => {
  discord = createRateLimitedDiscord({ limit: 2, windowMs: WINDOW_MS });
  discord.listen();
});
afterEach(() => discord.reset());
afterAll(() => discord.close());

const restClient = () => createDiscordRest({ token: TOKEN, apiUrl: API, timeoutMs: 2_000 });
type Answer = Result<unknown, DiscordError>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const waitOf = (answer: Answer) => (!answer.ok && answer.error.code === 'rate_limited' ? answer.error.retryAfterMs : undefined);
const cardBody = (i: number) => ({ content: `card ${i}`, nonce: `nonce-${i}`, enforce_nonce: true });

/** What the outbox does with a batch: send, and send again what came back rate limited after its wait. */
async function deliverAll(send: (i: number) => Promise<Answer>, ids: number[]): Promise<Answer[][]> {
  const rounds: Answer[][] = [];
  let left = ids;
  while (left.length > 0 && rounds.length < 10) {
    const answers = await Promise.all(left.map(send));
    rounds.push(answers);
    const waits = answers.map(waitOf);
    expect(answers.every((a, i) => a.ok || waits[i] !== undefined)).toBe(true);
    left = left.filter((_, i) => waits[i] !== undefined);
    if (left.length > 0) await sleep(Math.max(...waits.filter((w): w is number => w !== undefined)));
  }
  return rounds;
}

describe('Discord REST under its rate limits', () => {
  it('five quick posts to one channel with a bucket of 2: never a call beyond the bucket, the rest rate_limited with the wait, and all five delivered once', async () => {
    const rest = restClient();
    const post = (i: number) => rest.request('POST', `/channels/${CHANNEL}/messages`, cardBody(i));

    const rounds = await deliverAll(post, [0, 1, 2, 3, 4]);
    const [first] = rounds;
    expect(first!.filter((a) => a.ok)).toHaveLength(2);
    for (const wait of first!.map(waitOf).filter((w) => w !== undefined)) {
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(WINDOW_MS);
    }
    expect(discord.seen.every((s) => s.status === 200)).toBe(true);
    expect(discord.mostInOneWindow()).toBeLessThanOrEqual(2);
    // None lost, none twice; each body exactly as the caller built it (nonce included), pings off.
    expect(discord.delivered().map((s) => s.body!.nonce).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `nonce-${i}`));
    expect(discord.delivered()[0]!.body).toEqual({ ...cardBody(Number(String(discord.delivered()[0]!.body!.nonce).slice(-1))), allowed_mentions: { parse: [] } });
  });

  it('a post right after a burst, while its window is open, is held back here rather than sent for a 429', async () => {
    const rest = restClient();
    const post = (i: number) => rest.request('POST', `/channels/${CHANNEL}/messages`, cardBody(i));
    await Promise.all([0, 1, 2, 3, 4].map(post));
    const late = await post(5);
    const later = await post(6);
    expect(waitOf(late)).toBeGreaterThan(0);
    expect(waitOf(later)).toBeGreaterThan(0);
    expect(discord.seen.map((s) => s.status)).toEqual([200, 200]);
    // Route buckets are per channel: another channel is not held back.
    expect(await rest.request('POST', `/channels/${OTHER_CHANNEL}/messages`, cardBody(7))).toMatchObject({ ok: true });
  });

  it('a global 429 is rate_limited for its retry_after, and holds back every route until then without a call', async () => {
    const rest = restClient();
    discord.force({ scope: 'global', retryAfterSeconds: 0.25 });
    expect(await rest.request('POST', `/channels/${CHANNEL}/messages`, cardBody(0))).toEqual({ ok: false, error: { code: 'rate_limited', retryAfterMs: 250 } });
    const elsewhere = await rest.request('PATCH', `/channels/${OTHER_CHANNEL}/messages/1500000000000000009`, { content: 'edit' });
    expect(waitOf(elsewhere)).toBeGreaterThan(0);
    expect(waitOf(elsewhere)).toBeLessThanOrEqual(250);
    expect(discord.seen).toHaveLength(1);
    await sleep(waitOf(elsewhere)!);
    expect(await rest.request('POST', `/channels/${CHANNEL}/messages`, cardBody(0))).toMatchObject({ ok: true });
  });

  it.each(['user', 'shared'] as const)('a route 429 (scope %s) is rate_limited for its retry_after, and holds back that route only', async (scope) => {
    const rest = restClient();
    discord.force({ scope, retryAfterSeconds: 0.35 });
    expect(await rest.request('POST', `/channels/${CHANNEL}/messages`, cardBody(0))).toEqual({ ok: false, error: { code: 'rate_limited', retryAfterMs: 350 } });
    expect(waitOf(await rest.request('POST', `/channels/${CHANNEL}/messages`, cardBody(1)))).toBeGreaterThan(0);
    expect(await rest.request('POST', `/channels/${OTHER_CHANNEL}/messages`, cardBody(2))).toMatchObject({ ok: true });
    expect(discord.seen.map((s) => [s.path, s.status])).toEqual([
      [`/channels/${CHANNEL}/messages`, 429],
      [`/channels/${OTHER_CHANNEL}/messages`, 200],
    ]);
  });

  it('Triage\'s own ceiling of 50 calls a second (Discord\'s global limit) answers the 51st as rate_limited, not sent', async () => {
    const rest = restClient();
    // 51 channels, so no route bucket is the limit: only the global one.
    const channels = Array.from({ length: 51 }, (_, i) => String(1_200_000_000_000_000_000n + BigInt(i)));
    const answers = await Promise.all(channels.map((c) => rest.request('POST', `/channels/${c}/messages`, cardBody(0))));
    expect(answers.filter((a) => a.ok)).toHaveLength(50);
    expect(waitOf(answers.find((a) => !a.ok)!)).toBeLessThanOrEqual(1_000);
    expect(discord.seen).toHaveLength(50);
  });
});
