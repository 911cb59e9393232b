import type { ChatError, ChatPort } from '../../src/chat/port.js';
import type { Database } from '../../src/db/client.js';
import { err, ok, type Result } from '../../src/result.js';
import type { LiveHub } from './live-hub.js';
import { findMessage, insertMessage, replaceCard, type ConsoleMessage, type NewMessage } from './store.js';

/**
 * The ChatPort of the embedded default: "sending" a card is storing it in console_messages and
 * pushing it to open browsers. The database is the only thing that can fail, and a failed
 * statement is worth retrying, so errors are transient unless the message named does not exist.
 */
export type ConsoleChatPort = ChatPort & {
  readonly platform: 'console';
  /** What post, postInThread and replyPrivately do, handing back the stored message (the console's routes answer with it). */
  store(input: NewMessage): Promise<Result<ConsoleMessage, ChatError>>;
};

const permanent = (message: string): ChatError => ({ code: 'permanent', message });

export function createConsoleChatPort(deps: { database: Database; hub: LiveHub }): ConsoleChatPort {
  const { db } = deps.database;

  const guarded = async <T>(work: () => Promise<Result<T, ChatError>>): Promise<Result<T, ChatError>> => {
    try {
      return await work();
    } catch (error) {
      return err({ code: 'transient', message: `console store: ${error instanceof Error ? error.message : String(error)}` });
    }
  };

  const store = (input: NewMessage) =>
    guarded(async (): Promise<Result<ConsoleMessage, ChatError>> => {
      let threadOf = input.threadOf;
      if (threadOf !== undefined) {
        const parent = await findMessage(db, threadOf);
        if (!parent || parent.channel !== input.channel) return err(permanent(`no console message ${threadOf} in #${input.channel} to reply to`));
        // Threads are one level deep, as in Slack: a reply to a reply joins the root's thread.
        threadOf = parent.threadOf ?? parent.id;
      }
      const { message, created } = await insertMessage(db, { ...input, threadOf });
      // A repeated idempotency key returns the first message, which browsers already have.
      if (created) deps.hub.publish({ type: 'message.created', message });
      return ok(message);
    });

  const idOf = (stored: Result<ConsoleMessage, ChatError>): Result<{ messageId: string }, ChatError> =>
    stored.ok ? ok({ messageId: stored.value.id }) : stored;

  return {
    platform: 'console',
    store,
    post: async (channel, card, options) => idOf(await store({ channel, card, idempotencyKey: options?.idempotencyKey })),
    postInThread: async (channel, threadMessageId, card, options) =>
      idOf(await store({ channel, card, threadOf: threadMessageId, idempotencyKey: options?.idempotencyKey })),
    replyPrivately: async (channel, userId, card) => {
      const stored = await store({ channel, card, visibleTo: userId });
      return stored.ok ? ok(undefined) : stored;
    },
    update: (channel, messageId, card) =>
      guarded(async () => {
        const existing = await findMessage(db, messageId);
        if (!existing || existing.channel !== channel) return err(permanent(`no console message ${messageId} in #${channel}`));
        const message = await replaceCard(db, messageId, card);
        if (!message) return err(permanent(`console message ${messageId} was deleted`));
        deps.hub.publish({ type: 'message.updated', message });
        return ok(undefined);
      }),
  };
}
