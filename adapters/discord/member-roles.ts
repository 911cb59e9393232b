import type { Actor } from '../../src/actor.js';

/**
 * Discord role ids of the people who acted recently, as their signed interactions said. Roles
 * granted to `discord-role:<id>` then count for them without a member lookup (and without the
 * privileged Server Members intent). Someone not seen yet, or not for an hour, has no roles here:
 * their next click brings them.
 */
export type MemberRoles = {
  remember(userId: string, roles: string[]): void;
  groupsOf(actor: Actor): Promise<string[]>;
};

const KEEP_MS = 60 * 60_000;
const MAX_PEOPLE = 10_000;

export function memberRoles(now: () => number = Date.now): MemberRoles {
  const seen = new Map<string, { roles: string[]; at: number }>();
  return {
    remember(userId, roles) {
      seen.delete(userId);
      seen.set(userId, { roles, at: now() });
      // Oldest first in a Map: a flood of new ids cannot grow it without bound.
      if (seen.size > MAX_PEOPLE) seen.delete(seen.keys().next().value!);
    },
    async groupsOf(actor) {
      if (actor.platform !== 'discord') return [];
      const entry = seen.get(actor.userId);
      if (!entry || now() - entry.at > KEEP_MS) return [];
      return entry.roles.map((id) => `discord-role:${id}`);
    },
  };
}
