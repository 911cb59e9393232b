import { z } from 'zod';

/**
 * Who did something. Adapters build it from their payloads (a Slack user, a console person, a
 * cron job); the core authorises and audits on it and never reads a chat payload.
 */
export const Actor = z.object({
  platform: z.enum(['slack', 'discord', 'console', 'cron', 'system']),
  userId: z.string().min(1).max(200),
  teamId: z.string().max(200).optional(),
  name: z.string().max(200).optional(),
});
export type Actor = z.infer<typeof Actor>;

export const systemActor: Actor = { platform: 'system', userId: 'triage', name: 'Triage' };

export const actorLabel = (actor: Actor): string => actor.name ?? `${actor.platform}:${actor.userId}`;
