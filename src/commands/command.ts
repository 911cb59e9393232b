import type { Actor } from '../actor.js';
import type { InteractionReply } from '../chat/interactions.js';

/** A slash command is data plus `run`, registered in one list (src/commands/index.ts). */
export type CommandContext = { actor: Actor; channel: string; platform: 'slack' | 'discord' | 'console' };

export type Command = {
  name: string;
  summary: string;
  usage: string[];
  run(args: string, ctx: CommandContext): Promise<InteractionReply>;
};

export { privately } from '../chat/interactions.js';
