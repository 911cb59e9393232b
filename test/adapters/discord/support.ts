import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { Card } from '../../../src/chat/card.js';

/**
 * Discord's far side for adapter tests: msw answers the REST API the way Discord does (message
 * ids, nonce dedupe with enforce_nonce, threads whose id is the parent message's, its JSON error
 * codes) and records every call; anything else leaving the process fails the test.
 */
export const DISCORD_API = 'https://discord.test/api/v10';
export const TOKEN = 'MTEz.discord-test-bot-token.Zx9';
export const OPS_CHANNEL = '1100000000000000001';
export const LEADS_CHANNEL = '1100000000000000002';

/** The stand-in for adapters/discord/render.ts, which is written and tested on its own. */
export const fakeRender = (card: Card) => ({ content: card.title, embeds: [], components: [], allowed_mentions: { parse: [] } });

export type DiscordCall = {
  method: string;
  /** Below the API root: `/channels/…/messages`. */
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown> | undefined;
  at: number;
  status?: number;
  response?: Record<string, unknown>;
};
/** Return a Response to answer a call yourself; undefined for Discord's normal answer. */
export type Behaviour = (call: DiscordCall) => Response | undefined | Promise<Response | undefined>;

type Message = { id: string; channel_id: string; content: unknown; nonce?: unknown };

export function createDiscordFarSide() {
  const calls: DiscordCall[] = [];
  const messages = new Map<string, Message>();
  const threads = new Set<string>();
  const byNonce = new Map<string, Message>();
  let behaviour: Behaviour | undefined;
  let now = Date.now;
  let nextId = 1_300_000_000_000_000_000n;

  const answer = (call: DiscordCall, status: number, body: Record<string, unknown>): Response => {
    call.status = status;
    call.response = body;
    return HttpResponse.json(body, { status });
  };
  const known = (channel: string) => channel === OPS_CHANNEL || channel === LEADS_CHANNEL || threads.has(channel);

  const createMessage = (call: DiscordCall, channel: string): Response => {
    if (!known(channel)) return answer(call, 404, { message: 'Unknown Channel', code: 10003 });
    const body = call.body ?? {};
    const key = `${channel}/${String(body.nonce)}`;
    const repeat = body.enforce_nonce === true ? byNonce.get(key) : undefined;
    if (repeat) return answer(call, 200, repeat);
    const message: Message = { id: String(++nextId), channel_id: channel, content: body.content, nonce: body.nonce };
    messages.set(message.id, message);
    if (body.nonce !== undefined) byNonce.set(key, message);
    return answer(call, 200, message);
  };

  const editMessage = (call: DiscordCall, channel: string, id: string): Response => {
    const message = messages.get(id);
    if (message?.channel_id !== channel) return answer(call, 404, { message: 'Unknown Message', code: 10008 });
    message.content = call.body?.content;
    return answer(call, 200, { ...message, edited_timestamp: new Date(now()).toISOString() });
  };

  const startThread = (call: DiscordCall, channel: string, id: string): Response => {
    if (messages.get(id)?.channel_id !== channel) return answer(call, 404, { message: 'Unknown Message', code: 10008 });
    if (threads.has(id)) return answer(call, 400, { message: 'A thread has already been created for this message', code: 160004 });
    threads.add(id);
    return answer(call, 201, { id, type: 11, parent_id: channel, name: call.body?.name });
  };

  const route = (call: DiscordCall): Response => {
    const [, channels, channel, sub, id, leaf] = call.path.split('/');
    if (channels !== 'channels' || !channel || sub !== 'messages') return answer(call, 404, { message: '404: Not Found', code: 0 });
    if (call.method === 'POST' && !id) return createMessage(call, channel);
    if (call.method === 'PATCH' && id && !leaf) return editMessage(call, channel, id);
    if (call.method === 'POST' && id && leaf === 'threads') return startThread(call, channel, id);
    return answer(call, 405, { message: '405: Method Not Allowed', code: 0 });
  };

  const server = setupServer(
    http.all(`${DISCORD_API}/*`, async ({ request }) => {
      const text = await request.text();
      const call: DiscordCall = {
        method: request.method,
        path: new URL(request.url).pathname.replace(new URL(DISCORD_API).pathname, ''),
        headers: Object.fromEntries(request.headers),
        body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
        at: now(),
      };
      calls.push(call);
      const custom = await behaviour?.(call);
      if (custom) {
        call.status = custom.status;
        return custom;
      }
      return route(call);
    }),
  );

  return {
    server,
    calls,
    /** Calls to one path, e.g. `/channels/${OPS_CHANNEL}/messages`. */
    callsTo: (method: string, path: string) => calls.filter((c) => c.method === method && c.path === path),
    /** What a channel (or thread) shows: messages Discord created there. */
    messagesIn: (channel: string) => [...messages.values()].filter((m) => m.channel_id === channel),
    hasThread: (id: string) => threads.has(id),
    /** Starts a thread as if someone (another replica, a person) had done it already. */
    addThread: (id: string) => void threads.add(id),
    behave: (b: Behaviour | undefined) => void (behaviour = b),
    /** Stamps calls with this clock, so tests on a fake clock can compare times. */
    useClock: (clock: () => number) => void (now = clock),
    listen: () => server.listen({ onUnhandledRequest: 'error' }),
    close: () => server.close(),
    reset: () => {
      calls.length = 0;
      messages.clear();
      threads.clear();
      byNonce.clear();
      behaviour = undefined;
      now = Date.now;
    },
  };
}
export type DiscordFarSide = ReturnType<typeof createDiscordFarSide>;

/** Discord's 429 body: `retry_after` in seconds, fractional. */
export const rateLimited = (retryAfterSeconds: number): Response =>
  HttpResponse.json({ message: 'You are being rate limited.', retry_after: retryAfterSeconds, global: false }, { status: 429 });

/** Discord's JSON error body with its code. */
export const discordError = (status: number, code: number, message: string, extra: Record<string, unknown> = {}): Response =>
  HttpResponse.json({ message, code, ...extra }, { status });
