import { z } from 'zod';

/**
 * Who did something. Adapters build it from their payloads (a Slack user, a console person, a
 * cron job); the core authorises and audits on it and never reads a chat payload.
 */
export const Actor = z.object({
  platform: z.enum(['slack', 'discord', 'console', 'cron', 'system']),
  /** The platform's id (Slack `U…`, a Discord snowflake): roles and the two-person rule use it, never the name. */
  userId: z.string().min(1).max(200),
  teamId: z.string().max(200).optional(),
  /** How the platform shows the person (display name, nick): what cards, the audit and the minutes say. */
  name: z.string().max(200).optional(),
});
export type Actor = z.infer<typeof Actor>;

export const systemActor: Actor = { platform: 'system', userId: 'triage', name: 'Triage' };

export const actorLabel = (actor: Actor): string => (actor.name?.trim() ? actor.name : `${actor.platform}:${actor.userId}`);

/** Longer than any platform allows a display name (Slack 80, Discord 32): a cap, not a format. */
export const MAX_NAME = 80;

/**
 * The first of a platform's candidate names (display name, then real name, then handle) that has
 * something to show, as one line of plain text: control characters (a newline would break a
 * card's line; a NUL or half a surrogate pair cannot be stored) become spaces, runs of spaces
 * one, and it is cut at MAX_NAME without splitting a surrogate pair. Escaping `<`, `@everyone`
 * and the like is the renderers' job (adapters/slack/render/text.ts, adapters/discord/render/text.ts), so the name stays what people chose.
 */
export function personName(...candidates: (string | null | undefined)[]): string | undefined {
  for (const candidate of candidates) {
    const cleaned = (candidate ?? '')
      .replace(/[\p{Cc}\p{Zl}\p{Zp}\uD800-\uDFFF]/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (!cleaned) continue;
    if (cleaned.length <= MAX_NAME) return cleaned;
    const cut = cleaned.slice(0, MAX_NAME);
    return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
  }
  return undefined;
}
