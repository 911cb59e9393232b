import { err, ok, type Result } from '../../src/result.js';
import { toChatError, unreachable, type DiscordError } from './errors.js';

/**
 * The few Discord REST calls Triage makes, over the global fetch: no discord.js, whose REST
 * client queues and retries on its own. The outbox owns retries (src/chat/port.ts), so this is
 * one try per call with a deadline, and every answer that is not a success becomes a ChatError.
 */
export type DiscordRestOptions = {
  token: string;
  apiUrl?: string;
  timeoutMs?: number;
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
export const DISCORD_USER_AGENT = 'DiscordBot (https://github.com/triage, 0.1)';

export function createDiscordRest({ token, apiUrl = DISCORD_API_URL, timeoutMs = 10_000 }: DiscordRestOptions): DiscordRest {
  const base = apiUrl.replace(/\/+$/, '');
  const headers = { Authorization: `Bot ${token}`, 'Content-Type': 'application/json', 'User-Agent': DISCORD_USER_AGENT };
  // Belt and braces: nothing Discord says should echo the token, but these strings are stored and logged.
  const scrub = (error: DiscordError): DiscordError =>
    'message' in error && token && error.message.includes(token) ? { ...error, message: error.message.replaceAll(token, '[redacted]') } : error;

  return {
    async request(method, path, body, options = {}) {
      const channel = options.channelLabel ?? /^\/channels\/(\d+)/.exec(path)?.[1] ?? path;
      try {
        // The deadline covers reading the body too: a stalled answer is as transient as none.
        const signal = AbortSignal.timeout(timeoutMs);
        const init: RequestInit = { method, headers, signal, ...(body === undefined ? {} : { body: JSON.stringify(withoutPings(method, path, body)) }) };
        const response = await fetch(`${base}${path}`, init);
        const text = await response.text();
        const json = parseJson(text);
        if (!response.ok) return err(scrub(toChatError({ status: response.status, headers: response.headers, body: json.value }, channel)));
        if (text === '') return ok(undefined);
        // A success we cannot read may be a proxy's page; the call may not have happened at all.
        if (!json.ok) return err({ code: 'transient', message: `Discord answered HTTP ${response.status} with a body that is not JSON` });
        return ok(json.value);
      } catch (error) {
        return err(scrub(unreachable(error, timeoutMs)));
      }
    },
  };
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

function parseJson(text: string): { ok: boolean; value: unknown } {
  try {
    return { ok: true, value: text === '' ? undefined : JSON.parse(text) };
  } catch {
    return { ok: false, value: undefined };
  }
}
