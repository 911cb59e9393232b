// @discordjs/rest, not discord.js: the REST client alone loads in half the time, and every Triage process loads it.
import { DefaultUserAgent, REST, RESTEvents, type RESTOptions } from '@discordjs/rest';
import type { Logger } from '../../src/observability/logger.js';

/**
 * discord.js's REST client (@discordjs/rest) set up for an outbox that owns retries
 * (src/chat/port.ts): it keeps Discord's per-route buckets (X-RateLimit-*) and the 50/s global
 * limit, but where it would wait or retry it hands the call back instead, as a RateLimitError
 * with the wait, so a row's lease never runs out inside a call and Retry-After reaches the outbox.
 */
export type DiscordClientOptions = {
  apiUrl: string;
  timeoutMs: number;
  /** Where an operator reads that Triage is heading for Discord's ban on invalid requests. */
  logger?: Pick<Logger, 'warn'> | undefined;
  /** Warn at every this-many invalid requests (401, 403, 429) in Discord's 10-minute window. */
  invalidRequestsWarnEvery?: number | undefined;
  /**
   * For interaction endpoints (an interaction's callback and webhook), which Discord does not
   * bind to the bot's global limit: this client does not count one either, only their buckets.
   */
  interactions?: boolean;
};

/** Appended to discord.js's own `DiscordBot (url, version)`, which Discord requires of bots. */
export const USER_AGENT_APPENDIX = 'Triage/0.1';
export const DISCORD_USER_AGENT = `${DefaultUserAgent} ${USER_AGENT_APPENDIX}`;

/** Discord bans an IP for an hour at 10,000 invalid requests in 10 minutes: the first warning comes at 5 %. */
export const INVALID_REQUESTS_WARN_EVERY = 500;
const INVALID_REQUESTS_BAN = 10_000;

export function discordClient(options: DiscordClientOptions): REST {
  const { api, version } = apiBase(options.apiUrl);
  const settings: Partial<RESTOptions> = {
    api,
    ...(version ? { version } : {}),
    // Late-bound, so msw (tests) and any fetch patched after start-up see every request.
    makeRequest: ((url: string, init: RequestInit) => fetchPreciseRetryAfter(url, init, options.logger)) as unknown as RESTOptions['makeRequest'],
    retries: 0,
    // Every wait becomes a RateLimitError (an exhausted bucket, the global limit, a 429) for the outbox to retry.
    rejectOnRateLimit: () => true,
    // Discord's 50 a second for the bot's calls; none for interaction endpoints (see `interactions`).
    ...(options.interactions ? { globalRequestsPerSecond: Number.MAX_SAFE_INTEGER } : {}),
    timeout: options.timeoutMs,
    // The outbox adds its own jitter to a retry (src/chat/outbox/settle.ts); Discord's wait is exact.
    offset: 0,
    userAgentAppendix: USER_AGENT_APPENDIX,
    invalidRequestWarningInterval: options.invalidRequestsWarnEvery ?? INVALID_REQUESTS_WARN_EVERY,
  };
  const client = new REST(settings);
  client.on(RESTEvents.InvalidRequestWarning, ({ count, remainingTime }) => {
    options.logger?.warn(
      { invalidRequests: count, windowEndsInMs: remainingTime, banAt: INVALID_REQUESTS_BAN },
      `Discord: ${count} invalid requests (401, 403, 429) in 10 minutes; at ${INVALID_REQUESTS_BAN} Discord bans this IP for an hour. Check the bot token, the bot's channel permissions and the rate-limit warnings above`,
    );
  });
  keepBucketCountOnFirstAnswer(client);
  return client;
}

type RouteData = { majorParameter: string; bucketRoute: string };
const routeData = (REST as unknown as { generateRouteData(path: string, method: string): RouteData }).generateRouteData.bind(REST);

/**
 * @discordjs/rest learns a route's bucket (X-RateLimit-Bucket) from its first answer, then files
 * later calls under a new handler that knows nothing of the window so far: a burst straddling that
 * first answer sent one call beyond the bucket's limit (a 429, which counts towards Discord's ban).
 * Filing the learnt bucket under the handler that made the call keeps its count and its queue.
 * This reaches into the client's handler map, so discord.js is pinned and
 * test/adapters/discord/rest-buckets.test.ts holds the behaviour.
 */
function keepBucketCountOnFirstAnswer(client: REST): void {
  client.on(RESTEvents.Response, (request, response) => {
    const bucket = response.headers.get('x-ratelimit-bucket');
    if (!bucket) return;
    const method = request.method.toUpperCase();
    const { majorParameter, bucketRoute } = routeData(request.path, method);
    const known = client.hashes.get(`${method}:${bucketRoute}`)?.value ?? `Global(${method}:${bucketRoute})`;
    const handler = client.handlers.get(`${known}:${majorParameter}`);
    if (known !== bucket && handler && !client.handlers.has(`${bucket}:${majorParameter}`)) client.handlers.set(`${bucket}:${majorParameter}`, handler);
  });
}

/**
 * `https://discord.com/api/v10` → api `https://discord.com/api`, version `10`, as @discordjs/rest
 * wants them. A base without a version (a local stand-in) is used as given, unversioned.
 */
export function apiBase(apiUrl: string): { api: string; version?: string } {
  const base = apiUrl.replace(/\/+$/, '');
  const versioned = /^(.*)\/v(\d+)$/.exec(base);
  return versioned ? { api: versioned[1]!, version: versioned[2]! } : { api: base };
}

/**
 * @discordjs/rest reads a 429's wait from the Retry-After header only, which Discord rounds up to
 * whole seconds and a proxy may leave out; the JSON body's `retry_after` is exact (fractional
 * seconds), and its `global` flag says which limit it was. The body wins, as Discord documents it.
 */
async function fetchPreciseRetryAfter(url: string, init: RequestInit, logger: DiscordClientOptions['logger']): Promise<Response> {
  const response = await globalThis.fetch(url, init);
  if (response.status !== 429) return response;
  const said = await bodyOf(response.clone());
  const headers = new Headers(response.headers);
  if (typeof said.retry_after === 'number' && said.retry_after >= 0) headers.set('retry-after', String(said.retry_after));
  if (said.global === true && !headers.has('x-ratelimit-global')) headers.set('x-ratelimit-global', 'true');
  // A 429 that reached Discord counts towards its ban: each one means pacing missed (another replica, a shared IP).
  logger?.warn(
    { route: new URL(url).pathname, retryAfter: headers.get('retry-after'), global: headers.has('x-ratelimit-global'), scope: headers.get('x-ratelimit-scope') },
    'Discord answered 429 (rate limited); the outbox retries after the wait',
  );
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function bodyOf(response: Response): Promise<{ retry_after?: unknown; global?: unknown }> {
  try {
    const parsed: unknown = JSON.parse(await response.text());
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}
