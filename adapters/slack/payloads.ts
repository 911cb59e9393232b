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
  /** 'message' for a card in a channel; 'view' (with its view_id) for the Home tab. */
  container: z.object({ type: z.string().max(50).optional(), channel_id: Id.optional(), message_ts: z.string().optional(), view_id: Id.optional() }).optional(),
  message: z.object({ ts: z.string().min(1) }).optional(),
  /** The surface pressed when it is a view: Home ('home') is the only view Triage publishes. */
  view: z.object({ id: Id, type: z.string().max(50) }).optional(),
  actions: z
    .array(z.object({ action_id: z.string().min(1).max(255), action_ts: z.string().min(1), value: z.string().max(2000).optional() }))
    .min(1),
  /** Where the answer to a card's click goes. Slack sends none for a click on a view (Home). */
  response_url: z.url({ protocol: /^https?$/ }).optional(),
}).refine(
  // The handler must know what was pressed and where to answer: without either the person would never hear back.
  (a) => clickSource(a) !== undefined,
  'a button press must name its channel and message and carry a response_url (channel.id or container.channel_id, message.ts or container.message_ts), or come from the Home tab (container.type "view" with a view_id, and view.type "home")',
);
export type BlockAction = z.infer<typeof BlockAction>;

/**
 * Where a click came from: a card in a channel (answered through its response_url), or the Home
 * tab, which has no channel, no message and no response_url (the answer goes to the person's DM).
 */
export type ClickSource = { kind: 'message'; channel: string; ts: string; responseUrl: string } | { kind: 'home'; viewId: string };

type SourceFields = {
  channel?: { id: string };
  container?: { type?: string; channel_id?: string; message_ts?: string; view_id?: string };
  message?: { ts: string };
  view?: { id: string; type: string };
  response_url?: string;
};

export function clickSource(a: SourceFields): ClickSource | undefined {
  if (a.container?.type === 'view') {
    const viewId = a.container.view_id ?? a.view?.id;
    return viewId && a.view?.type === 'home' ? { kind: 'home', viewId } : undefined;
  }
  const channel = a.channel?.id ?? a.container?.channel_id;
  const ts = a.message?.ts ?? a.container?.message_ts;
  return channel && ts && a.response_url ? { kind: 'message', channel, ts, responseUrl: a.response_url } : undefined;
}
