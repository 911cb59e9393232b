import { z } from 'zod';
import type { ChatError } from '../../src/chat/port.js';

/**
 * Discord's failures in the outbox's terms, in one place. Permanent messages say what to do,
 * because they end up on a failed outbox row and in the log, where an operator reads them.
 */

/** A ChatError that still carries Discord's own code, for the one caller that acts on it (threads). */
export type DiscordError = ChatError & { discordCode?: number };

/** Discord's JSON error codes this adapter names. */
export const DiscordCode = {
  unknownChannel: 10003,
  unknownMessage: 10008,
  missingAccess: 50001,
  missingPermissions: 50013,
  threadAlreadyCreated: 160004,
} as const;

/** Discord's error body (and its 429 body); every field optional, since proxies answer too. */
const ErrorBody = z.object({
  code: z.number().optional(),
  message: z.string().optional(),
  errors: z.unknown().optional(),
  retry_after: z.number().nonnegative().optional(),
});
type ErrorBody = z.infer<typeof ErrorBody>;

export type FailedResponse = { status: number; headers: Headers; body: unknown };

const PERMISSIONS =
  'grant it View Channel, Send Messages, Embed Links and Read Message History there (and Create Public Threads and Send Messages in Threads for replies)';

/** A non-2xx answer as a ChatError; `channel` names the channel in words an operator knows. */
export function toChatError(response: FailedResponse, channel: string): DiscordError {
  const parsed = ErrorBody.safeParse(response.body);
  const body: ErrorBody = parsed.success ? parsed.data : {};
  const { status } = response;
  const said = body.message ? ` (${body.message})` : '';
  const coded = (error: ChatError): DiscordError => (body.code === undefined ? error : { ...error, discordCode: body.code });

  if (status === 429) return { code: 'rate_limited', retryAfterMs: retryAfterMs(body, response.headers) };
  if (status >= 500 || status === 408) return coded({ code: 'transient', message: `Discord answered HTTP ${status}${said}` });
  switch (status) {
    case 401:
      return coded({ code: 'permanent', message: 'Discord refused the bot token: set DISCORD_BOT_TOKEN to the bot\'s current token (Developer Portal → Bot → Reset Token)' });
    case 403:
      return coded({ code: 'permanent', message: `the bot may not post in ${channel}${said}: invite the bot to that channel and ${PERMISSIONS}` });
    case 404:
      return coded({ code: 'permanent', message: notFound(body, channel, said) });
    case 400:
      return coded({ code: 'permanent', message: `Discord rejected the message (a renderer bug): ${firstError(body.errors) ?? body.message ?? 'HTTP 400'}` });
    default:
      return coded({ code: 'permanent', message: `Discord refused the call with HTTP ${status}${said}` });
  }
}

function notFound(body: ErrorBody, channel: string, said: string): string {
  if (body.code === DiscordCode.unknownChannel) {
    return `Discord channel ${channel} does not exist or the bot cannot see it: check DISCORD_CHANNEL / discord.channels, and invite the bot to it`;
  }
  if (body.code === DiscordCode.unknownMessage) return `the message to change in ${channel} is gone (message deleted in Discord)`;
  return `Discord answered HTTP 404${said}: check DISCORD_API_URL`;
}

/**
 * Discord sends `retry_after` in seconds, fractional, in the JSON; a 429 from its proxy has only
 * the Retry-After header. With neither, a second: never zero, which would retry at once.
 */
function retryAfterMs(body: ErrorBody, headers: Headers): number {
  if (body.retry_after !== undefined) return Math.ceil(body.retry_after * 1000);
  const header = Number(headers.get('retry-after') ?? headers.get('x-ratelimit-reset-after') ?? Number.NaN);
  return Number.isFinite(header) && header >= 0 ? Math.ceil(header * 1000) : 1_000;
}

/**
 * The first leaf of Discord's nested form errors, with its path:
 * `{ embeds: { 0: { title: { _errors: [{ message }] } } } }` → `embeds.0.title: Must be 256 or fewer in length.`
 */
export function firstError(errors: unknown, path: string[] = []): string | undefined {
  if (typeof errors !== 'object' || errors === null) return undefined;
  for (const [key, value] of Object.entries(errors)) {
    if (key === '_errors' && Array.isArray(value)) {
      const message = (value[0] as { message?: unknown } | undefined)?.message;
      if (typeof message === 'string') return path.length > 0 ? `${path.join('.')}: ${message}` : message;
      continue;
    }
    const found = firstError(value, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** A call that never got an answer: a reset socket, DNS, or our own deadline. */
export function unreachable(error: unknown, timeoutMs: number): ChatError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') return { code: 'transient', message: `Discord did not answer within ${timeoutMs} ms` };
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return { code: 'transient', message: `could not reach Discord: ${error instanceof Error ? error.message : String(error)}${cause}` };
}
