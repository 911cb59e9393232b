import type { webApi } from '@slack/bolt';
import type { Actor } from '../../src/actor.js';
import type { RolesConfig } from '../../src/config.js';

/**
 * Slack user groups as role members (`slack-group:S0123ABC` in roles config): who is in a group
 * is read from Slack (bot scope `usergroups:read`) and cached per group, so a burst of clicks
 * costs one call per group per TTL. A failed read keeps the last good answer, or counts as "not a
 * member" when there is none: a Slack outage can only ever refuse a click, never allow one.
 */
export type SlackGroupsOptions = {
  /** How long a group's member list is trusted; default 5 minutes. */
  ttlMs?: number;
  now?: () => number;
  /** Told when a group's members could not be read (log it: a missing scope shows up here). */
  onError?: (error: unknown, groupId: string) => void;
};

const PREFIX = 'slack-group:';
const DEFAULT_TTL_MS = 5 * 60_000;

type Cached = { users?: ReadonlySet<string>; fetchedAt?: number; inFlight?: Promise<ReadonlySet<string> | undefined> };

/** The Slack user group ids among the configured role members, for `slackGroupsOf`. */
export const slackGroupIds = (roles: Pick<RolesConfig, 'responders' | 'approvers' | 'admins'>): string[] => [
  ...new Set([...roles.responders, ...roles.approvers, ...roles.admins].filter((m) => m.startsWith(PREFIX))),
];

export function slackGroupsOf(
  client: webApi.WebClient,
  groupIds: string[],
  options: SlackGroupsOptions = {},
): (actor: Actor) => Promise<string[]> {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const now = options.now ?? Date.now;
  // Accept both the member form (slack-group:S…) and bare ids (S…).
  const ids = [...new Set(groupIds.map((id) => (id.startsWith(PREFIX) ? id.slice(PREFIX.length) : id)))];
  const cache = new Map<string, Cached>(ids.map((id) => [id, {}]));

  async function fetchMembers(id: string, entry: Cached): Promise<ReadonlySet<string> | undefined> {
    try {
      const answer = await client.usergroups.users.list({ usergroup: id });
      entry.users = new Set(answer.users ?? []);
      entry.fetchedAt = now();
    } catch (error) {
      // Not stamped: the next click asks Slack again instead of trusting a failure for a TTL.
      options.onError?.(error, id);
    }
    return entry.users;
  }

  function members(id: string): Promise<ReadonlySet<string> | undefined> {
    const entry = cache.get(id) ?? {};
    if (entry.fetchedAt !== undefined && now() - entry.fetchedAt < ttlMs) return Promise.resolve(entry.users);
    // Concurrent clicks share one call per group.
    entry.inFlight ??= fetchMembers(id, entry).finally(() => (entry.inFlight = undefined));
    return entry.inFlight;
  }

  return async (actor) => {
    if (actor.platform !== 'slack' || ids.length === 0) return [];
    const answers = await Promise.all(ids.map(async (id) => ((await members(id))?.has(actor.userId) ? `${PREFIX}${id}` : undefined)));
    return answers.filter((key): key is string => key !== undefined);
  };
}
