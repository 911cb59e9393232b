import { z } from 'zod';
import { personName } from '../../src/actor.js';

/**
 * The parts of Discord's interaction payloads Triage reads, parsed after the signature check
 * (invariant 4). Interaction types: 1 PING, 2 APPLICATION_COMMAND, 3 MESSAGE_COMPONENT.
 */
const Snowflake = z.string().regex(/^\d{1,25}$/);
const User = z.object({ id: Snowflake, username: z.string().max(100).optional(), global_name: z.string().max(100).nullish() });
/** In a server the person is a member (with roles); in a DM only a user. */
const Member = z.object({ user: User, roles: z.array(Snowflake).max(500).default([]), nick: z.string().max(100).nullish() });

const Base = z.object({
  id: Snowflake,
  application_id: Snowflake,
  token: z.string().min(1).max(500),
  guild_id: Snowflake.optional(),
  channel_id: Snowflake.optional(),
  member: Member.optional(),
  user: User.optional(),
});

export const Ping = Base.pick({ id: true }).extend({ type: z.literal(1) });

export const CommandInteraction = Base.extend({
  type: z.literal(2),
  data: z.object({
    name: z.string().regex(/^[\w-]{1,32}$/),
    options: z.array(z.object({ name: z.string(), type: z.number(), value: z.unknown() })).max(25).default([]),
  }),
});
export type CommandInteraction = z.infer<typeof CommandInteraction>;

export const ComponentInteraction = Base.extend({
  type: z.literal(3),
  data: z.object({ custom_id: z.string().min(1).max(100), component_type: z.number() }),
  message: z.object({ id: Snowflake, channel_id: Snowflake.optional() }),
});
export type ComponentInteraction = z.infer<typeof ComponentInteraction>;

// A command or a button names who acted (member in a server, user in a DM): the handler builds its Actor from it after the ack.
export const Interaction = z
  .discriminatedUnion('type', [Ping, CommandInteraction, ComponentInteraction])
  .refine((i) => i.type === 1 || i.member !== undefined || i.user !== undefined, 'a command or a button must carry member or user');
export type Interaction = z.infer<typeof Interaction>;

/**
 * Who acted: the member's user in a server, the user in a DM, named as Discord shows them there:
 * the server nick, else the global display name, else the username (an empty or blank one counts
 * as none). Every interaction carries these, so unlike Slack no lookup is needed.
 */
export function personOf(interaction: CommandInteraction | ComponentInteraction) {
  const user = interaction.member?.user ?? interaction.user;
  if (!user) return undefined;
  const name = personName(interaction.member?.nick, user.global_name, user.username);
  return { userId: user.id, ...(name ? { name } : {}), roles: interaction.member?.roles ?? [], guildId: interaction.guild_id };
}

/** Discord's interaction response types and the ephemeral flag. */
export const RESPONSE = { PONG: 1, DEFERRED_WITH_SOURCE: 5, DEFERRED_UPDATE: 6 } as const;
export const EPHEMERAL = 64;
