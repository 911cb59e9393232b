import { and, eq, gte, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { homeViewers } from '../db/schema/home.js';

/** A person with a Home tab: platform, workspace ('' when none) and user id. */
export type ViewerKey = { platform: string; teamId: string; userId: string };

const whereKey = (key: ViewerKey) => and(eq(homeViewers.platform, key.platform), eq(homeViewers.teamId, key.teamId), eq(homeViewers.userId, key.userId));

/** Someone opened Home: they are refreshed from now on (until retention forgets them). */
export async function recordOpen(db: Db, key: ViewerKey): Promise<void> {
  await db
    .insert(homeViewers)
    .values({ ...key, openedAt: sql`now()` })
    .onConflictDoUpdate({ target: [homeViewers.platform, homeViewers.teamId, homeViewers.userId], set: { openedAt: sql`now()` } });
}

/**
 * Takes the right to publish `hash` to this person: one conditional update, so of two replicas,
 * or an app_home_opened and its redelivery, exactly one publishes a given view. `staleAfterMs`
 * lets an open republish the same content once it is that old (its ages have moved on).
 * False when someone already showed this view.
 */
export async function claimPublish(db: Db, key: ViewerKey, hash: string, staleAfterMs?: number): Promise<boolean> {
  const changed = or(isNull(homeViewers.shownHash), ne(homeViewers.shownHash, hash));
  const stale = staleAfterMs === undefined ? undefined : or(isNull(homeViewers.publishedAt), lt(homeViewers.publishedAt, sql`now() - make_interval(secs => ${staleAfterMs / 1000})`));
  const rows = await db
    .update(homeViewers)
    .set({ shownHash: hash, publishedAt: sql`now()` })
    .where(and(whereKey(key), stale ? or(changed, stale) : changed))
    .returning({ userId: homeViewers.userId });
  return rows.length > 0;
}

/** A publish that failed gives its claim back (unless another view was claimed since), so the next pass tries again. */
export async function releaseClaim(db: Db, key: ViewerKey, hash: string): Promise<void> {
  await db.update(homeViewers).set({ shownHash: null }).where(and(whereKey(key), eq(homeViewers.shownHash, hash)));
}

/** Everyone who opened Home within the window, most recent first: the leader's refresh list. */
export async function recentViewers(db: Db, platform: string, since: Date, limit: number): Promise<ViewerKey[]> {
  return db
    .select({ platform: homeViewers.platform, teamId: homeViewers.teamId, userId: homeViewers.userId })
    .from(homeViewers)
    .where(and(eq(homeViewers.platform, platform), gte(homeViewers.openedAt, since)))
    .orderBy(sql`${homeViewers.openedAt} desc`)
    .limit(limit);
}
