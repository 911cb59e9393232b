import { z } from 'zod';
import { Actor } from '../actor.js';
import type { Card } from './card.js';

/**
 * What every chat adapter hands the core, and what it gets back: a button click or a slash
 * command from an Actor. Adapters acknowledge first (Slack's 3 seconds), then call these, then
 * show the reply: privately to that person, or in the channel.
 */
export const MessageRef = z.object({ platform: z.enum(['slack', 'discord', 'console']), channel: z.string(), messageId: z.string() });
export type MessageRef = z.infer<typeof MessageRef>;

export const ClickInput = z.object({
  actionId: z.string(),
  actor: Actor,
  message: MessageRef,
  value: z.string().optional(),
  /** The platform's id for this one click (Slack: team, user, action_ts, action_id): redeliveries repeat it. */
  deliveryId: z.string().optional(),
});
export type ClickInput = z.infer<typeof ClickInput>;
export const CommandInput = z.object({ command: z.string(), text: z.string(), actor: Actor, channel: z.string(), platform: MessageRef.shape.platform });
export type CommandInput = z.infer<typeof CommandInput>;

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
