import { randomBytes } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { Card, type CardAction } from '../../src/chat/card.js';
import type { Database } from '../../src/db/client.js';
import { chatMessages, chatOutbox } from '../../src/db/schema/chat.js';
import { EPHEMERAL } from './payloads.js';
import { ASK_FIRST } from './render/actions.js';

/**
 * Discord buttons have no confirmation dialog, so a card action with `confirm` (force restart,
 * skip a task…) is rendered as `?<action id>` and answered with a private question in the card's
 * own words: Yes runs the original click on the original card, Cancel does nothing.
 *
 * What was asked lives in the table `discord_confirmations` (src/db/schema/confirmations.ts), not in
 * this process: Triage runs as several replicas on one database, and the Yes may reach any of
 * them, or this one after a restart. A question is kept for 15 minutes (an interaction's
 * lifetime); a Yes after that is told to press the card's button again rather than guessed at.
 */
export type Pending = { actionId: string; channelId: string; messageId: string };
export type Confirmations = {
  /** The ack that asks: an ephemeral message with Yes and Cancel. */
  ask(actionId: string, where: { channelId: string; messageId: string }): Promise<object>;
  /** What a Yes (or Cancel) answers, once across all replicas; undefined when it expired or was answered already. */
  take(customId: string): Promise<Pending | undefined>;
};

export const YES = 'yes:';
export const NO = 'no:';
const KEEP_MS = 15 * 60_000;
/** Expired questions deleted by one ask: each ask adds one row and removes up to this many expired ones, so they cannot pile up. */
const SWEEP_BATCH = 100;
const UPDATE_MESSAGE = 7;
const CHANNEL_MESSAGE = 4;

/** A row of `discord_confirmations` as either driver returns it (timestamps as Date or text). */
const TakenRow = z.object({
  action_id: z.string().min(1),
  channel_id: z.string(),
  message_id: z.string().min(1),
  expires_at: z.coerce.date(),
});

export const asksFirst = (customId: string): string | undefined => (customId.startsWith(ASK_FIRST) ? customId.slice(ASK_FIRST.length) : undefined);

const keyOf = (customId: string): string => (customId.startsWith(YES) ? customId.slice(YES.length) : customId.startsWith(NO) ? customId.slice(NO.length) : customId);

export function confirmations(database: Database, now: () => number = Date.now): Confirmations {
  return {
    async ask(actionId, where) {
      const key = randomBytes(8).toString('hex');
      const askedAt = now();
      // The card's words and the row are independent: both in flight at once, inside Discord's 3 s ack.
      const [action] = await Promise.all([cardAction(database, `${where.channelId}:${where.messageId}`, actionId), remember(database, key, { actionId, ...where }, askedAt)]);
      const confirm = action?.confirm ?? { title: action?.label ?? 'Are you sure?', text: 'This acts on the platform at once.', confirmLabel: 'Yes, do it', denyLabel: 'Cancel' };
      const buttons = [
        { type: 2, style: 4, label: confirm.confirmLabel.slice(0, 80), custom_id: `${YES}${key}` },
        { type: 2, style: 2, label: confirm.denyLabel.slice(0, 80), custom_id: `${NO}${key}` },
      ];
      const content = `**${confirm.title}**\n${confirm.text}`.slice(0, 2000);
      return { type: CHANNEL_MESSAGE, data: { content, flags: EPHEMERAL, components: [{ type: 1, components: buttons }], allowed_mentions: { parse: [] } } };
    },
    async take(customId) {
      // One statement that deletes and returns: of two Yes clicks on two replicas, only one gets the row.
      const [row] = await database.query(sql`
        delete from discord_confirmations where key = ${keyOf(customId)}
        returning action_id, channel_id, message_id, expires_at`);
      if (!row) return undefined;
      const taken = TakenRow.parse(row);
      if (now() > taken.expires_at.getTime()) return undefined;
      return { actionId: taken.action_id, channelId: taken.channel_id, messageId: taken.message_id };
    },
  };
}

/**
 * Stores the question and, in the same statement (one round trip), deletes a bounded batch of
 * expired ones. SKIP LOCKED: replicas sweeping at the same moment take different rows instead
 * of waiting on each other's.
 */
async function remember(database: Database, key: string, pending: Pending, askedAt: number): Promise<void> {
  const asked = new Date(askedAt).toISOString();
  const expires = new Date(askedAt + KEEP_MS).toISOString();
  await database.query(sql`
    with swept as (
      delete from discord_confirmations where key in (
        select key from discord_confirmations where expires_at < ${asked}::timestamptz
        order by expires_at limit ${SWEEP_BATCH} for update skip locked))
    insert into discord_confirmations (key, action_id, channel_id, message_id, asked_at, expires_at)
    values (${key}, ${pending.actionId}, ${pending.channelId}, ${pending.messageId}, ${asked}::timestamptz, ${expires}::timestamptz)`);
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
