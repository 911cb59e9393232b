import { z } from 'zod';
import type { Actor } from '../actor.js';

/**
 * Who may do what, in increasing power: each role may do everything the roles before it may
 * (admin ⊇ approver ⊇ responder ⊇ viewer). Everyone not listed anywhere is a viewer.
 */
export const Role = z.enum(['viewer', 'responder', 'approver', 'admin']);
export type Role = z.infer<typeof Role>;

const rank = (role: Role): number => Role.options.indexOf(role);

export const atLeast = (held: Role, needed: Role): boolean => rank(held) >= rank(needed);

/** The stronger of two roles: a person listed twice keeps the higher one. */
export const higher = (a: Role, b: Role): Role => (atLeast(a, b) ? a : b);

/**
 * The one key for a person everywhere: role matching (it is the config's member syntax), the
 * two-person rule (requester ≠ approver) and the audit log. Names change; ids do not.
 */
export const actorKey = (actor: Actor): string => `${actor.platform}:${actor.userId}`;

/** "a viewer", "an approver": refusals and the banner speak in sentences. */
export const withArticle = (role: Role): string => (/^[aeiou]/.test(role) ? `an ${role}` : `a ${role}`);
