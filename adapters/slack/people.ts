import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import { Actor, personName } from '../../src/actor.js';

/**
 * A Slack member's name as Slack shows it: the profile's display name, else the real name (bot
 * scope `users:read`). Payloads carry only the handle (`james`) or nothing, and cards, the audit,
 * the thread and the minutes all say the Actor's name, so this is the one place it is looked up.
 *
 * It never fails a click or a command and never holds one up for long: the answer waits at most
 * `waitMs` (the lookup runs after the ack, in the post-ack work, so Slack's 3 s are not at stake;
 * the wait only bounds how late the click acts when Slack is slow), and whatever goes wrong (a
 * deleted member, user_not_found, a 5xx, a rate limit, the wait running out) gives the handle the
 * payload carries. A lookup that outlives the wait still fills the cache for the next click.
 */
export type SlackPeopleOptions = {
  /** How long a name is trusted: a renamed person is renamed within this. Default an hour. */
  ttlMs?: number;
  /** How long a failed lookup is not retried, so an outage does not slow every click. Default a minute. */
  failureTtlMs?: number;
  /** People remembered at most (least recently asked for go first). Default 5,000. */
  maxEntries?: number;
  /** How long a click waits for a lookup not yet cached. Default 1.5 s. */
  waitMs?: number;
  now?: () => number;
  /** Told when users.info failed for another reason than "no such member" (log it: a missing scope shows here). */
  onError?: (problem: { code: string; message: string }, userId: string) => void;
};

export type SlackPerson = { teamId?: string | undefined; userId: string; handle?: string | undefined };
export type SlackPeople = { nameOf(person: SlackPerson): Promise<string | undefined> };

export const NAME_TTL_MS = 60 * 60_000;
const FAILURE_TTL_MS = 60_000;
const MAX_ENTRIES = 5_000;
export const NAME_WAIT_MS = 1_500;

/** The fields of users.info Triage reads. */
const UsersInfo = z.object({
  user: z.object({
    deleted: z.boolean().optional(),
    real_name: z.string().optional(),
    profile: z.object({ display_name: z.string().optional(), real_name: z.string().optional() }).loose().optional(),
  }).loose(),
}).loose();

/** Answers that say who the member is not: the handle is the right name for the whole TTL. */
const DEFINITE = new Set(['user_not_found', 'user_not_visible', 'account_inactive']);

type Entry = { name?: string | undefined; expiresAt: number; inFlight?: Promise<void> };

export function slackPeople(client: webApi.WebClient, options: SlackPeopleOptions = {}): SlackPeople {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? NAME_TTL_MS;
  const failureTtlMs = options.failureTtlMs ?? FAILURE_TTL_MS;
  const maxEntries = options.maxEntries ?? MAX_ENTRIES;
  const waitMs = options.waitMs ?? NAME_WAIT_MS;
  const cache = new Map<string, Entry>();

  /** Map order is recency: a hit moves to the end, the oldest goes first past the bound. */
  const touch = (key: string, entry: Entry) => {
    cache.delete(key);
    cache.set(key, entry);
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
  };

  async function lookUp(userId: string, entry: Entry): Promise<void> {
    const found = await readName(client, userId);
    const definite = found.ok || DEFINITE.has(found.problem.code);
    if (!definite) options.onError?.(found.problem, userId);
    // A failure that says nothing about the member keeps the name known before it, if any.
    entry.name = found.ok ? found.name : definite ? undefined : entry.name;
    entry.expiresAt = now() + (definite ? ttlMs : failureTtlMs);
  }

  function resolved(key: string, userId: string): Entry {
    const known = cache.get(key);
    if (known && (known.inFlight || known.expiresAt > now())) {
      touch(key, known);
      return known;
    }
    // Concurrent clicks by one person share one call; a stale name is replaced only when the answer comes.
    const entry: Entry = { name: known?.name, expiresAt: known?.expiresAt ?? 0 };
    entry.inFlight = lookUp(userId, entry)
      .catch(() => {})
      .finally(() => (entry.inFlight = undefined));
    touch(key, entry);
    return entry;
  }

  return {
    async nameOf({ teamId, userId, handle }) {
      const entry = resolved(`${teamId ?? '-'}:${userId}`, userId);
      if (entry.inFlight) await within(entry.inFlight, waitMs);
      // Still in flight past the wait: the name known before (a refresh), else the handle.
      return personName(entry.name, handle);
    },
  };
}

/**
 * The Actor of a Slack click or command: its id stays Slack's (roles and the two-person rule use
 * it), its name is how Slack shows the person; without a resolver (unit tests of the entries) the
 * payload's handle.
 */
export async function slackActor(people: SlackPeople | undefined, person: SlackPerson): Promise<Actor> {
  const name = people ? await people.nameOf(person) : personName(person.handle);
  return Actor.parse({ platform: 'slack', userId: person.userId, ...(person.teamId ? { teamId: person.teamId } : {}), ...(name ? { name } : {}) });
}

type Read = { ok: true; name: string | undefined } | { ok: false; problem: { code: string; message: string } };

/** users.info → display name, else real name; a deleted member has none (the handle stands). */
async function readName(client: webApi.WebClient, userId: string): Promise<Read> {
  try {
    const answer = UsersInfo.safeParse(await client.users.info({ user: userId }));
    if (!answer.success) return { ok: false, problem: { code: 'unexpected_answer', message: 'users.info answered without a user' } };
    const { user } = answer.data;
    return { ok: true, name: user.deleted ? undefined : personName(user.profile?.display_name, user.profile?.real_name, user.real_name) };
  } catch (error) {
    return { ok: false, problem: problemOf(error) };
  }
}

/**
 * The WebClient's error as a code and a message only: the error object also carries the request's
 * headers and body, which are not for the log.
 */
function problemOf(error: unknown): { code: string; message: string } {
  const e = error as { code?: unknown; message?: unknown; data?: { error?: unknown } };
  const slack = typeof e.data?.error === 'string' ? e.data.error : undefined;
  return { code: slack ?? (typeof e.code === 'string' ? e.code : 'error'), message: typeof e.message === 'string' ? e.message : String(error) };
}

/** Resolves when `work` settles or after `ms`, whichever is first; never rejects. */
async function within(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
