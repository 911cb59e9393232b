import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Card } from '../../src/chat/card.js';
import type { ChatError, ChatPort } from '../../src/chat/port.js';
import { err, ok, type Result } from '../../src/result.js';
import { messageIdOf, parseMessageId, type SlackChannels } from './channels.js';
import { toChatError } from './errors.js';
import { renderCard } from './render.js';

/** What we read back from chat.postMessage: where the message landed and its ts. */
const Posted = z.object({ channel: z.string().min(1), ts: z.string().min(1) });

/**
 * The outbox's view of Slack: one Web API call per attempt, its failure mapped to a ChatError.
 * Cards are rendered here and nowhere else; the core only ever hands over Cards.
 */
export function createSlackChatPort(deps: { client: webApi.WebClient; channels: SlackChannels; logger: Logger }): ChatPort {
  const { client, channels, logger } = deps;

  const call = async <T>(logical: string, slackChannel: string, work: () => Promise<Result<T, ChatError>>): Promise<Result<T, ChatError>> => {
    try {
      return await work();
    } catch (error) {
      const chatError = toChatError(error, slackChannel === logical ? slackChannel : `#${logical} (${slackChannel})`);
      // Permanent failures need a person: say what to fix where an operator looks.
      if (chatError.code === 'permanent') logger.error({ channel: logical, slackChannel }, `Slack: ${chatError.message}`);
      return err(chatError);
    }
  };

  const target = (logical: string): Result<string, ChatError> => {
    const id = channels.resolve(logical);
    return id ? ok(id) : err({ code: 'permanent', message: `no Slack channel for #${logical}: set SLACK_CHANNEL or slack.channels.${logical}` });
  };

  const send = async (logical: string, card: Card, threadTs?: string, threadChannel?: string) => {
    const resolved = threadChannel ? ok(threadChannel) : target(logical);
    if (!resolved.ok) return resolved;
    return call(logical, resolved.value, async () => {
      const response = await client.chat.postMessage({ channel: resolved.value, ...renderCard(card), ...(threadTs ? { thread_ts: threadTs } : {}) });
      const posted = Posted.safeParse(response);
      if (!posted.success) return err<ChatError>({ code: 'transient', message: 'chat.postMessage answered without channel and ts' });
      return ok({ messageId: messageIdOf(posted.data.channel, posted.data.ts) });
    });
  };

  const existing = (messageId: string): Result<{ channel: string; ts: string }, ChatError> => {
    const parsed = parseMessageId(messageId);
    return parsed ? ok(parsed) : err({ code: 'permanent', message: `not a Slack message id: ${messageId}` });
  };

  return {
    platform: 'slack',
    post: (channel, card) => send(channel, card),
    postInThread: async (channel, threadMessageId, card) => {
      const parent = existing(threadMessageId);
      return parent.ok ? send(channel, card, parent.value.ts, parent.value.channel) : parent;
    },
    update: async (channel, messageId, card) => {
      const message = existing(messageId);
      if (!message.ok) return message;
      return call(channel, message.value.channel, async () => {
        await client.chat.update({ channel: message.value.channel, ts: message.value.ts, ...renderCard(card) });
        return ok(undefined);
      });
    },
    replyPrivately: async (channel, userId, card) => {
      // The click and command paths answer through response_url; this is for the core's own use.
      const resolved = /^[CGD][A-Z0-9]+$/.test(channel) ? ok(channel) : target(channel);
      if (!resolved.ok) return resolved;
      return call(channel, resolved.value, async () => {
        await client.chat.postEphemeral({ channel: resolved.value, user: userId, ...renderCard(card) });
        return ok(undefined);
      });
    },
  };
}
