import type { Card } from '../../src/chat/card.js';
import type { InteractionReply } from '../../src/chat/interactions.js';
import type { ChatError } from '../../src/chat/port.js';
import type { Result } from '../../src/result.js';
import type { ConsoleChatPort } from './chat-port.js';
import type { ConsoleMessage } from './store.js';

/**
 * A reply with no card of its own is plain text from Triage. It is stored as an info card with
 * no category, no fields and no buttons, which the page shows as a plain chat line.
 */
export const textCard = (text: string): Card => ({
  title: 'Triage',
  severity: 'info',
  state: 'info',
  text,
  fields: [],
  entities: [],
  actions: [],
});

export type ReplyTarget = {
  channel: string;
  personId: string;
  /** For a click: channel-visible replies go in the clicked card's thread, as Slack bots do. */
  threadOf?: string;
};

/**
 * Keeps the core's reply as a console message: a private one for that person only (Slack's
 * ephemeral "only visible to you"), or one everybody in the channel sees.
 */
export function storeReply(port: ConsoleChatPort, reply: InteractionReply, target: ReplyTarget): Promise<Result<ConsoleMessage, ChatError>> {
  const card = reply.card ?? textCard(reply.text);
  if (reply.visibility === 'private') return port.store({ channel: target.channel, card, visibleTo: target.personId });
  return port.store({ channel: target.channel, card, ...(target.threadOf ? { threadOf: target.threadOf } : {}) });
}
