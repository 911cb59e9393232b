import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Card } from '../../src/chat/card.js';
import type { ChatError, ChatPort, SendOptions } from '../../src/chat/port.js';
import type { Logger } from '../../src/observability/logger.js';
import { err, ok, type Result } from '../../src/result.js';
import { isSnowflake, messageIdOf, parseMessageId, type DiscordChannels } from './channels.js';
import { DiscordCode, type DiscordError } from './errors.js';
import type { DiscordMethod, DiscordRest } from './rest.js';

/** Card → Discord message body (content, embeds, components, allowed_mentions): adapters/discord/render.ts. */
export type DiscordRender = (card: Card) => object;

export type DiscordChatPortDeps = {
  rest: DiscordRest;
  channels: DiscordChannels;
  render: DiscordRender;
  logger: Pick<Logger, 'error'>;
};

/** What we read back from a created message: where it landed and its id. */
const Posted = z.object({ id: z.string().regex(/^\d+$/), channel_id: z.string().regex(/^\d+$/) });

/**
 * Discord takes a nonce of at most 25 characters; with enforce_nonce it answers a repeat (same
 * bot, same nonce, within a few minutes) with the message already created instead of a second
 * one. 25 hex characters of a SHA-256 keep the outbox's key stable and short.
 */
export const nonceOf = (idempotencyKey: string): string => createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 25);

/** Thread names are 1–100 characters on one line. */
export const threadNameOf = (title: string): string => {
  const line = title.replace(/\s+/g, ' ').trim() || 'Triage';
  return line.length <= 100 ? line : `${line.slice(0, 99)}…`;
};

/** Threads this process opened or found: a reply to them skips the start-thread call. */
const KNOWN_THREADS_MAX = 1_000;

type Target = { logical: string; channelId: string; label: string };

/**
 * The outbox's view of Discord: one REST call per attempt (two for the first reply in a thread),
 * its failure mapped to a ChatError. Cards are rendered by the injected renderer, nowhere else.
 */
export function createDiscordChatPort(deps: DiscordChatPortDeps): ChatPort {
  const { rest, channels, render, logger } = deps;
  const knownThreads = new Set<string>();

  const call = async (to: Target, method: DiscordMethod, path: string, body?: unknown): Promise<Result<unknown, DiscordError>> => {
    const result = await rest.request(method, path, body, { channelLabel: to.label });
    // Permanent failures need a person: say what to fix where an operator looks.
    if (!result.ok && result.error.code === 'permanent' && result.error.discordCode !== DiscordCode.threadAlreadyCreated) {
      logger.error({ channel: to.logical, discordChannel: to.channelId }, `Discord: ${result.error.message}`);
    }
    return result;
  };

  const target = (logical: string): Result<Target, ChatError> => {
    const id = channels.resolve(logical);
    if (!id) return err({ code: 'permanent', message: `no Discord channel for #${logical}: set DISCORD_CHANNEL or discord.channels.${logical}` });
    if (!isSnowflake(id)) return err({ code: 'permanent', message: `the Discord channel for #${logical} is not a channel id (${id}): set DISCORD_CHANNEL or discord.channels.${logical} to the channel's numeric id` });
    return ok({ logical, channelId: id, label: id === logical ? id : `#${logical} (${id})` });
  };

  const existing = (logical: string, messageId: string): Result<Target & { message: string }, ChatError> => {
    const parsed = parseMessageId(messageId);
    if (!parsed) return err({ code: 'permanent', message: `not a Discord message id: ${messageId}` });
    return ok({ logical, channelId: parsed.channel, label: `#${logical} (${parsed.channel})`, message: parsed.message });
  };

  const send = async (to: Target, card: Card, options?: SendOptions): Promise<Result<{ messageId: string }, ChatError>> => {
    const dedupe = options ? { nonce: nonceOf(options.idempotencyKey), enforce_nonce: true } : {};
    const sent = await call(to, 'POST', `/channels/${to.channelId}/messages`, { ...render(card), ...dedupe });
    if (!sent.ok) return err(plain(sent.error));
    const posted = Posted.safeParse(sent.value);
    if (!posted.success) return err({ code: 'transient', message: 'Discord answered the post without a message id and channel_id' });
    return ok({ messageId: messageIdOf(posted.data.channel_id, posted.data.id) });
  };

  /**
   * Discord threads are channels whose id is the parent message's id. Starting one twice is a
   * 400 with code 160004, which only means it is there already (a retry, another replica, a
   * restart): the thread to post in is the same either way.
   */
  const openThread = async (parent: Target & { message: string }, card: Card): Promise<Result<Target, ChatError>> => {
    const thread = { logical: parent.logical, channelId: parent.message, label: `#${parent.logical} (thread ${parent.message})` };
    if (knownThreads.has(parent.message)) return ok(thread);
    const started = await call(parent, 'POST', `/channels/${parent.channelId}/messages/${parent.message}/threads`, {
      name: threadNameOf(card.title),
      auto_archive_duration: 1440,
    });
    if (!started.ok && started.error.discordCode !== DiscordCode.threadAlreadyCreated) return err(plain(started.error));
    if (knownThreads.size >= KNOWN_THREADS_MAX) knownThreads.clear();
    knownThreads.add(parent.message);
    return ok(thread);
  };

  return {
    platform: 'discord',
    post: async (channel, card, options) => {
      const to = target(channel);
      return to.ok ? send(to.value, card, options) : to;
    },
    update: async (channel, messageId, card) => {
      const message = existing(channel, messageId);
      if (!message.ok) return message;
      const { channelId, message: id } = message.value;
      const updated = await call(message.value, 'PATCH', `/channels/${channelId}/messages/${id}`, render(card));
      return updated.ok ? ok(undefined) : err(plain(updated.error));
    },
    postInThread: async (channel, threadMessageId, card, options) => {
      const parent = existing(channel, threadMessageId);
      if (!parent.ok) return parent;
      const thread = await openThread(parent.value, card);
      if (!thread.ok) return thread;
      const posted = await send(thread.value, card, options);
      // A thread deleted by hand is started again on the next try rather than failing forever.
      if (!posted.ok) knownThreads.delete(parent.value.message);
      return posted;
    },
    // The interactions path answers privately itself (ephemeral responses); a bot message cannot be.
    replyPrivately: async () => err({ code: 'permanent', message: 'Discord shows private answers only in reply to a command or button' }),
  };
}

/** The outbox speaks ChatError only: Discord's own code stays in this adapter. */
function plain(error: DiscordError): ChatError {
  return error.code === 'rate_limited' ? { code: error.code, retryAfterMs: error.retryAfterMs } : { code: error.code, message: error.message };
}
