import { randomBytes } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { Card, type CardAction } from '../../src/chat/card.js';
import type { Database } from '../../src/db/client.js';
import { chatMessages, chatOutbox } from '../../src/db/schema/chat.js';
import { EPHEMERAL } from './payloads.js';
import { ASK_FIRST } from './render/actions.js';

/**
 * Discord buttons have no confirmation dialog, so a card action with `confirm` (force restart,
 * skip a task…) is rendered as `?<action id>` and answered with a private question in the card's
 * own words: Yes runs the original click on the original card, Cancel does nothing. What was
 * asked is kept here for 15 minutes (an interaction's lifetime); a Yes after that, or after a
 * restart, is told to press the card's button again rather than guessed at.
 */
export type Pending = { actionId: string; channelId: string; messageId: string };
export type Confirmations = {
  /** The ack that asks: an ephemeral message with Yes and Cancel. */
  ask(actionId: string, where: { channelId: string; messageId: string }): Promise<object>;
  /** What a Yes (or Cancel) answers, once; undefined when it expired or was answered already. */
  take(customId: string): Pending | undefined;
};

export const YES = 'yes:';
export const NO = 'no:';
const KEEP_MS = 15 * 60_000;
const MAX_PENDING = 1_000;
const UPDATE_MESSAGE = 7;
const CHANNEL_MESSAGE = 4;

export const asksFirst = (customId: string): string | undefined => (customId.startsWith(ASK_FIRST) ? customId.slice(ASK_FIRST.length) : undefined);

export function confirmations(database: Database, now: () => number = Date.now): Confirmations {
  const pending = new Map<string, Pending & { at: number }>();
  return {
    async ask(actionId, where) {
      const action = await cardAction(database, `${where.channelId}:${where.messageId}`, actionId);
      const confirm = action?.confirm ?? { title: action?.label ?? 'Are you sure?', text: 'This acts on the platform at once.', confirmLabel: 'Yes, do it', denyLabel: 'Cancel' };
      const key = randomBytes(8).toString('hex');
      pending.set(key, { actionId, ...where, at: now() });
      if (pending.size > MAX_PENDING) pending.delete(pending.keys().next().value!);
      const buttons = [
        { type: 2, style: 4, label: confirm.confirmLabel.slice(0, 80), custom_id: `${YES}${key}` },
        { type: 2, style: 2, label: confirm.denyLabel.slice(0, 80), custom_id: `${NO}${key}` },
      ];
      const content = `**${confirm.title}**\n${confirm.text}`.slice(0, 2000);
      return { type: CHANNEL_MESSAGE, data: { content, flags: EPHEMERAL, components: [{ type: 1, components: buttons }], allowed_mentions: { parse: [] } } };
    },
    take(customId) {
      const key = customId.startsWith(YES) ? customId.slice(YES.length) : customId.startsWith(NO) ? customId.slice(NO.length) : customId;
      const found = pending.get(key);
      pending.delete(key);
      return found && now() - found.at <= KEEP_MS ? found : undefined;
    },
  };
}

/** The question's message becomes what happened, its buttons gone: a second Yes cannot be pressed. */
export const settled = (content: string) => ({ type: UPDATE_MESSAGE, data: { content, components: [] } });

/** The action as the card last sent for this Discord message shows it (its confirm words). */
async function cardAction(database: Database, messageId: string, actionId: string): Promise<CardAction | undefined> {
  const [row] = await database.db
    .select({ card: chatOutbox.card })
    .from(chatMessages)
    .innerJoin(chatOutbox, and(eq(chatOutbox.platform, chatMessages.platform), eq(chatOutbox.cardKey, chatMessages.cardKey)))
    .where(and(eq(chatMessages.platform, 'discord'), eq(chatMessages.messageId, messageId), eq(chatOutbox.status, 'sent')))
    .orderBy(desc(chatOutbox.id))
    .limit(1);
  const card = Card.safeParse(row?.card);
  return card.success ? card.data.actions.find((a) => a.id === actionId) : undefined;
}
