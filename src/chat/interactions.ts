import type { Actor } from '../actor.js';
import type { Card } from './card.js';

/**
 * What every chat adapter hands the core, and what it gets back: a button click or a slash
 * command from an Actor. Adapters acknowledge first (Slack's 3 seconds), then call these, then
 * show the reply: privately to that person, or in the channel.
 */
export type MessageRef = { platform: 'slack' | 'discord' | 'console'; channel: string; messageId: string };

export type ClickInput = {
  actionId: string;
  actor: Actor;
  message: MessageRef;
  value?: string;
  /** The platform's id for this one click (Slack: team, user, action_ts, action_id): redeliveries repeat it. */
  deliveryId?: string;
};
export type CommandInput = { command: string; text: string; actor: Actor; channel: string; platform: MessageRef['platform'] };

export type InteractionReply = {
  /** 'private': only the person who clicked or typed sees it (Slack ephemeral). */
  visibility: 'private' | 'channel';
  text: string;
  card?: Card;
};

/** An answer only the person who clicked or typed sees. */
export const privately = (text: string): InteractionReply => ({ visibility: 'private', text });

export type Interactions = {
  click(input: ClickInput): Promise<InteractionReply>;
  command(input: CommandInput): Promise<InteractionReply>;
};
