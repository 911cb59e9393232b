import { z } from 'zod';

/**
 * The parts of Slack's payloads Triage reads, parsed before any handler uses them (invariant 4).
 * Bolt has verified the signature by then; these check the shape.
 */
const Id = z.string().min(1).max(200);

export const SlashCommand = z.object({
  command: z.string().regex(/^\/[\w-]{1,40}$/),
  text: z.string().max(4000).default(''),
  team_id: Id,
  user_id: Id,
  user_name: z.string().max(200).optional(),
  channel_id: Id,
  trigger_id: Id,
  response_url: z.url({ protocol: /^https?$/ }),
});
export type SlashCommand = z.infer<typeof SlashCommand>;

export const BlockAction = z.object({
  type: z.literal('block_actions'),
  team: z.object({ id: Id }).nullable(),
  user: z.object({ id: Id, username: z.string().max(200).optional(), name: z.string().max(200).optional(), team_id: Id.optional() }),
  channel: z.object({ id: Id }).optional(),
  container: z.object({ channel_id: Id.optional(), message_ts: z.string().optional() }).optional(),
  message: z.object({ ts: z.string().min(1) }).optional(),
  actions: z
    .array(z.object({ action_id: z.string().min(1).max(255), action_ts: z.string().min(1), value: z.string().max(2000).optional() }))
    .min(1),
  /** Where the answer goes: without it the person would never hear back. */
  response_url: z.url({ protocol: /^https?$/ }),
}).refine(
  // The handler names the card by channel and message ts; a press without them cannot be acted on or answered in place.
  (a) => Boolean(a.channel?.id ?? a.container?.channel_id) && Boolean(a.message?.ts ?? a.container?.message_ts),
  'a button press must name its channel and message (channel.id or container.channel_id, message.ts or container.message_ts)',
);
export type BlockAction = z.infer<typeof BlockAction>;
