import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';

/**
 * Discord's REST API as its rate limits make it behave, for the rate-limit tests: every route (by
 * method and path, so per channel, as Discord's major parameter makes it) is a bucket of `limit`
 * calls per `windowMs`, told in Discord's headers (X-RateLimit-Limit, -Remaining, -Reset,
 * -Reset-After, -Bucket); a call beyond it gets Discord's 429. A test can also make the next
 * answer a global or a route 429, with Discord's body `{ message, retry_after, global }` and
 * X-RateLimit-Global / X-RateLimit-Scope. Every call is recorded with its bucket window.
 */
export const API = 'https://discord.test/api/v10';
export const TOKEN = 'MTEz.rate-limit-test-bot-token.Qw7';

export type Seen = { method: string; path: string; window: string; status: number; body: Record<string, unknown> | undefined; at: number };
type Bucket = { endsAt: number; count: number; window: number };
type Forced = { scope: 'global' | 'user' | 'shared'; retryAfterSeconds: number };

export function createRateLimitedDiscord({ limit = 2, windowMs = 300 } = {}) {
  const seen: Seen[] = [];
  const buckets = new Map<string, Bucket>();
  let forced: Forced | undefined;
  let nextId = 1_500_000_000_000_000_000n;

  const bucketOf = (key: string, now: number): Bucket => {
    const current = buckets.get(key);
    if (current && now < current.endsAt) return current;
    const fresh = { endsAt: now + windowMs, count: 0, window: (current?.window ?? 0) + 1 };
    buckets.set(key, fresh);
    return fresh;
  };

  const limitHeaders = (key: string, bucket: Bucket, now: number): Record<string, string> => ({
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(Math.max(0, limit - bucket.count)),
    'x-ratelimit-reset': (bucket.endsAt / 1000).toFixed(3),
    'x-ratelimit-reset-after': ((bucket.endsAt - now) / 1000).toFixed(3),
    'x-ratelimit-bucket': Buffer.from(key).toString('hex').slice(0, 32),
  });

  const tooMany = (retryAfterSeconds: number, global: boolean, scope: string, headers: Record<string, string>) =>
    HttpResponse.json(
      { message: 'You are being rate limited.', retry_after: retryAfterSeconds, global },
      { status: 429, headers: { ...headers, 'retry-after': String(Math.ceil(retryAfterSeconds)), 'x-ratelimit-scope': scope, ...(global ? { 'x-ratelimit-global': 'true' } : {}) } },
    );

  const server = setupServer(
    http.all(`${API}/*`, async ({ request }) => {
      const now = Date.now();
      const path = new URL(request.url).pathname.replace(new URL(API).pathname, '');
      const text = await request.text();
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      const key = `${request.method} ${path}`;
      const bucket = bucketOf(key, now);
      bucket.count++;
      const record = (status: number) => seen.push({ method: request.method, path, window: `${key}#${bucket.window}`, status, body, at: now });
      const headers = limitHeaders(key, bucket, now);

      const once = forced;
      forced = undefined;
      if (once?.scope === 'global') {
        record(429);
        return tooMany(once.retryAfterSeconds, true, 'global', {});
      }
      if (once) {
        record(429);
        return tooMany(once.retryAfterSeconds, false, once.scope, { ...headers, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': String(once.retryAfterSeconds) });
      }
      if (bucket.count > limit) {
        record(429);
        return tooMany((bucket.endsAt - now) / 1000, false, 'user', headers);
      }
      record(200);
      const channel = /^\/channels\/(\d+)\/messages/.exec(path)?.[1] ?? '0';
      return HttpResponse.json({ id: String(nextId++), channel_id: channel, nonce: body?.nonce }, { headers });
    }),
  );

  return {
    seen,
    /** The next answer, whatever the route, is this 429. */
    force: (next: Forced) => void (forced = next),
    /** The most calls any one bucket window let through (a 429 from it included). */
    mostInOneWindow: () => {
      const counts = new Map<string, number>();
      for (const s of seen) counts.set(s.window, (counts.get(s.window) ?? 0) + 1);
      return Math.max(0, ...counts.values());
    },
    delivered: () => seen.filter((s) => s.status === 200),
    listen: () => server.listen({ onUnhandledRequest: 'error' }),
    close: () => server.close(),
    reset: () => {
      seen.length = 0;
      buckets.clear();
      forced = undefined;
    },
  };
}
export type RateLimitedDiscord = ReturnType<typeof createRateLimitedDiscord>;
