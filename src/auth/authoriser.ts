import type { Actor } from '../actor.js';
import type { RolesConfig } from '../config.js';
import type { Employee } from '../platform/port.js';
import { withTimeout } from '../resilience/timeout.js';
import { err, ok, type Result } from '../result.js';
import { DEMO_DESCRIPTION, demoHolders, demoModeActive, demoRoleOf, LOGIN_WITHOUT_ROLES } from './demo-roles.js';
import { refusal, type Refusal } from './refusal.js';
import { actorKey, atLeast, higher, type Role } from './roles.js';

export type { Refusal } from './refusal.js';

export type Authoriser = {
  roleOf(actor: Actor): Promise<Role>;
  authorise(actor: Actor, needed: Role): Promise<Result<Role, Refusal>>;
  /** For the start-up banner and /triage: who holds what, readable. */
  describe(): string[];
};

export type AuthoriserDeps = {
  roles: RolesConfig;
  /** Group memberships from chat adapters (Slack user groups → 'slack-group:S…'). */
  groupsOf?: (actor: Actor) => Promise<string[]>;
  /** The platform's people: used only for the zero-config demo default (demo-roles.ts). */
  employees?: () => Promise<Employee[]>;
  /** A slow directory must not hold a click past the chat platform's patience. */
  lookupTimeoutMs?: number;
  /** Told when a group or people lookup fails; the check then goes on without it. */
  onLookupError?: (error: unknown, what: 'groups' | 'employees', actor: Actor) => void;
  /** Console people log in (config `console.people`): the demo roles never apply then. */
  consoleLogin?: boolean;
};

const DEFAULT_LOOKUP_TIMEOUT_MS = 2_000;
/** Lowest first: a refusal lists the holders of the needed role before those of higher ones. */
const CONFIGURED: Array<[Exclude<Role, 'viewer'>, keyof Pick<RolesConfig, 'responders' | 'approvers' | 'admins'>]> = [
  ['responder', 'responders'],
  ['approver', 'approvers'],
  ['admin', 'admins'],
];
const isGroup = (member: string): boolean => member.startsWith('slack-group:') || member.startsWith('discord-role:');

export function createAuthoriser(deps: AuthoriserDeps): Authoriser {
  const consoleLogin = deps.consoleLogin ?? false;
  const demo = demoModeActive(deps.roles, { consoleLogin });
  const granted = grantedRoles(deps.roles);
  const hasGroups = [...granted.keys()].some(isGroup);
  const timeoutMs = deps.lookupTimeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS;
  let lastEmployees: Employee[] = [];

  // Never throws: undefined means the lookup failed or was too slow, and the caller goes on
  // without it, so a directory outage can only ever refuse, never allow.
  async function lookup<T>(what: 'groups' | 'employees', actor: Actor, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await withTimeout(() => fn(), timeoutMs, { label: `${what} lookup` });
    } catch (error) {
      deps.onLookupError?.(error, what, actor);
      return undefined;
    }
  }

  async function employees(actor: Actor): Promise<Employee[]> {
    if (!deps.employees) return [];
    // The last good list: the platform being briefly unreachable is exactly when people act.
    lastEmployees = (await lookup('employees', actor, deps.employees)) ?? lastEmployees;
    return lastEmployees;
  }

  async function resolve(actor: Actor): Promise<{ role: Role; groupsUnknown: boolean }> {
    if (demo) return { role: demoRoleOf(actor, await employees(actor)), groupsUnknown: false };
    const groupsOf = hasGroups ? deps.groupsOf : undefined;
    const groups = groupsOf ? await lookup('groups', actor, () => groupsOf(actor)) : [];
    // Only group keys count from a directory: it may vouch for memberships, not for identities.
    const keys = [actorKey(actor), ...(groups ?? []).filter(isGroup)];
    return { role: keys.reduce<Role>((held, key) => higher(held, granted.get(key) ?? 'viewer'), 'viewer'), groupsUnknown: groups === undefined };
  }

  async function holders(actor: Actor, needed: Role): Promise<string[]> {
    if (demo) return demoHolders(needed, await employees(actor));
    const lists = CONFIGURED.filter(([role]) => atLeast(role, needed)).flatMap(([, list]) => deps.roles[list]);
    return [...new Set(lists)];
  }

  return {
    roleOf: async (actor) => (await resolve(actor)).role,
    async authorise(actor, needed) {
      const { role: held, groupsUnknown } = await resolve(actor);
      if (atLeast(held, needed)) return ok(held);
      const who = await holders(actor, needed);
      // Say so when a group that could have allowed this was not checked: "try again" is the fix.
      return err(refusal(needed, held, who, { groupsUnknown: groupsUnknown && who.some(isGroup) }));
    },
    describe: () => [...(demo ? DEMO_DESCRIPTION : describeConfigured(deps.roles, consoleLogin)), twoPersonLine(deps.roles)],
  };
}

/** Member → the highest role it is listed under. */
function grantedRoles(roles: RolesConfig): Map<string, Role> {
  const granted = new Map<string, Role>();
  for (const [role, list] of CONFIGURED) {
    for (const member of roles[list]) granted.set(member, higher(granted.get(member) ?? 'viewer', role));
  }
  return granted;
}

function describeConfigured(roles: RolesConfig, consoleLogin: boolean): string[] {
  const lines = [...CONFIGURED].reverse().map(([role, list]) => `${role}s: ${roles[list].length ? roles[list].join(', ') : 'nobody'}`);
  const nobody = CONFIGURED.every(([, list]) => roles[list].length === 0);
  return [
    ...(consoleLogin && nobody ? [LOGIN_WITHOUT_ROLES] : []),
    'Roles from configuration (each role may also do what the ones below it may):',
    ...lines,
    'viewers: everyone else',
  ];
}

const twoPersonLine = (roles: RolesConfig): string =>
  roles.twoPersonRule
    ? 'Two-person rule: on (a requester cannot approve their own request).'
    : 'Two-person rule: off (a requester may approve their own request).';
