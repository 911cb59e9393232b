import type { InteractionReply } from '../../src/chat/interactions.js';
import { renderCard, safeMrkdwn } from './render.js';
import type { Respond } from './respond.js';

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
