import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import type { InteractionReply } from '../../src/chat/interactions.js';
import { renderCard, safeMrkdwn } from './render.js';
import type { Responder, Respond } from './respond.js';

/**
 * The core's reply, shown where it belongs: 'private' as an ephemeral message only the person
 * sees, 'channel' in the channel. Never replace_original: the card itself changes only through
 * the outbox, so a click's answer must not overwrite the card it was clicked on.
 */
export async function sendReply(respond: Respond, reply: InteractionReply): Promise<void> {
  const rendered = reply.card ? renderCard(reply.card) : undefined;
  await respond({
    response_type: reply.visibility === 'private' ? 'ephemeral' : 'in_channel',
    replace_original: false,
    text: safeMrkdwn(reply.text),
    ...(rendered ? { blocks: rendered.blocks } : {}),
  });
}

/**
 * Answers in the person's DM with the app (chat.postMessage with the user id as channel): a click
 * on the Home tab has no channel to be ephemeral in and no response_url. The DM is the App Home's
 * own conversation, so both private and channel replies land where only that person reads them.
 * Rejects when Slack refuses, so the caller's boundary logs it.
 */
export function dmRespond(client: Pick<webApi.WebClient, 'chat'>, userId: string): Respond {
  return async (message) => {
    const answer = await client.chat.postMessage({ channel: userId, text: message.text, ...(message.blocks ? { blocks: message.blocks as never } : {}) });
    if (!answer.ok) throw new Error(`Slack refused the DM answer: ${answer.error ?? 'no reason given'}`);
  };
}

/** Where acknowledged work is answered (kept in chat_work): a response_url, or a DM for a Home click. */
export const DmAddress = z.object({ dm: z.string().min(1).max(200) });
export type AnswerAddress = string | z.infer<typeof DmAddress>;

/** Answers at an address `chat_work` kept, for work another replica acknowledged (src/chat/pending-work.ts). */
export async function answerAt(deps: { responder: Responder; client: Pick<webApi.WebClient, 'chat'> }, address: unknown, reply: InteractionReply): Promise<void> {
  if (typeof address === 'string') return sendReply(deps.responder.to(address), reply);
  const dm = DmAddress.safeParse(address);
  if (dm.success) await sendReply(dmRespond(deps.client, dm.data.dm), reply);
}
