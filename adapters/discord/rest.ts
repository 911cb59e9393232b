import { DiscordAPIError, HTTPError, RateLimitError, type InternalRequest, type RequestMethod, type RouteLike } from '@discordjs/rest';
import type { Logger } from '../../src/observability/logger.js';
import { err, ok, type Result } from '../../src/result.js';
import { toChatError, unreachable, type DiscordError } from './errors.js';
import { discordClient } from './rest-client.js';

export { DISCORD_USER_AGENT } from './rest-client.js';

/**
 * The few Discord REST calls Triage makes, through discord.js's REST client (adapters/discord/
 * rest-client.ts): it honours Discord's per-route buckets and global limit, and hands every wait
 * back as `rate_limited` with its retry-after instead of sleeping, since the outbox owns retries
 * (src/chat/port.ts). One try per call with a deadline; every other failure becomes a ChatError.
 */
export type DiscordRestOptions = {
  token: string;
  apiUrl?: string;
  timeoutMs?: number;
  /** Warnings an operator must see: 429s from Discord, and invalid requests nearing Discord's ban. */
  logger?: Pick<Logger, 'warn'>;
  invalidRequestsWarnEvery?: number;
};

export type DiscordMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export type RequestOptions = {
  /** How failure messages name the channel (`#ops (123…)`); else the id from the path. */
  channelLabel?: string;
};

export type DiscordRest = {
  /** The parsed JSON of a 2xx answer (undefined for 204), or what went wrong. */
  request(method: DiscordMethod, path: string, body?: unknown, options?: RequestOptions): Promise<Result<unknown, DiscordError>>;
};

export const DISCORD_API_URL = 'https://discord.com/api/v10';

export function createDiscordRest({ token, apiUrl = DISCORD_API_URL, timeoutMs = 10_000, logger, invalidRequestsWarnEvery }: DiscordRestOptions): DiscordRest {
  const bot = discordClient({ apiUrl, timeoutMs, logger, invalidRequestsWarnEvery });
  // Answers to interactions have a client of their own: Discord exempts them from the bot's
  // global limit, and counting them against it left a burst of clicks "busy" at 50 answers a
  // second (bench/discord).
  const interactions = discordClient({ apiUrl, timeoutMs, logger, invalidRequestsWarnEvery, interactions: true });
  // Belt and braces: nothing Discord says should echo the token, but these strings are stored and logged.
  const scrub = (error: DiscordError): DiscordError =>
    'message' in error && token && error.message.includes(token) ? { ...error, message: error.message.replaceAll(token, '[redacted]') } : error;

  return {
    async request(method, path, body, options = {}) {
      const channel = options.channelLabel ?? /^\/channels\/(\d+)/.exec(path)?.[1] ?? path;
      if (!token) return err({ code: 'permanent', message: 'no Discord bot token: set DISCORD_BOT_TOKEN to the bot\'s token (Developer Portal → Bot → Reset Token)' });
      // The deadline covers the wait in the bucket's queue and reading the body: a stalled answer is as transient as none.
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        // A 401 makes the client forget its token; ours stays, so every call gets the same answer with the fix.
        const client = INTERACTION_PATH.test(path) ? interactions : bot;
        client.setToken(token);
        const request: InternalRequest = { method: method as RequestMethod, ...route(path), signal, ...(body === undefined ? {} : { body: withoutPings(method, path, body) }) };
        const response = await client.queueRequest(request);
        return readSuccess(response.status, await response.text());
      } catch (error) {
        return err(scrub(failureOf(error, channel, timeoutMs, signal)));
      }
    },
  };
}

/** An interaction's callback, or its webhook (Triage sends to no other webhook). */
const INTERACTION_PATH = /^\/(?:interactions\/\d+\/[^/]+\/callback|webhooks\/\d+\/[^/?]+)/;

/** `/webhooks/1/t?wait=true` → route and query apart, so the bucket is the route's. */
function route(path: string): { fullRoute: RouteLike; query?: URLSearchParams } {
  const [fullRoute, query] = path.split('?', 2) as [RouteLike, string | undefined];
  return query ? { fullRoute, query: new URLSearchParams(query) } : { fullRoute };
}

function readSuccess(status: number, text: string): Result<unknown, DiscordError> {
  if (text === '') return ok(undefined);
  try {
    return ok(JSON.parse(text));
  } catch {
    // A success we cannot read may be a proxy's page; the call may not have happened at all.
    return err({ code: 'transient', message: `Discord answered HTTP ${status} with a body that is not JSON` });
  }
}

/**
 * What discord.js threw, in the outbox's terms: a RateLimitError (a 429, or a bucket or the global
 * limit that would have made it wait) is `rate_limited` for its retry-after, never zero, which
 * would retry at once; Discord's 4xx (DiscordAPIError, with its JSON body) and 5xx (HTTPError) go
 * through the same mapping as ever (errors.ts); anything else never got an answer.
 */
export function failureOf(error: unknown, channel: string, timeoutMs: number, signal?: AbortSignal): DiscordError {
  if (error instanceof RateLimitError) return { code: 'rate_limited', retryAfterMs: error.retryAfter > 0 ? Math.ceil(error.retryAfter) : 1_000 };
  if (error instanceof DiscordAPIError) return toChatError({ status: error.status, headers: new Headers(), body: error.rawError }, channel);
  if (error instanceof HTTPError) return toChatError({ status: error.status, headers: new Headers(), body: error.message ? { message: error.message } : {} }, channel);
  if (signal?.aborted) return { code: 'transient', message: `Discord did not answer within ${timeoutMs} ms` };
  return unreachable(error, timeoutMs);
}

/** Creating or editing a message: in a channel, or through an interaction's webhook. */
const MESSAGE_PATH = /^\/(?:channels\/\d+\/messages(?:\/\d+)?|webhooks\/[^/]+\/[^/]+(?:\/messages\/[^/]+)?)$/;

/**
 * Every message Triage sends goes out with `allowed_mentions: { parse: [] }`, so no name or typed
 * text can page anyone, whichever sender forgot it; the renderer and the interaction replies set
 * it too. Other calls (threads, commands) are sent as given. The path is matched without its
 * query string (`?wait=true`).
 */
export function withoutPings(method: DiscordMethod, path: string, body: unknown): unknown {
  if ((method !== 'POST' && method !== 'PATCH') || !MESSAGE_PATH.test(path.split('?')[0]!)) return body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  return { ...body, allowed_mentions: { parse: [] } };
}
