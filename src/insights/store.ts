import { and, eq, gt, inArray, lt, or, sql } from 'drizzle-orm';
import type { Actor } from '../actor.js';
import type { Db } from '../db/client.js';
import { insightHistory, insights } from '../db/schema/insights.js';
import { Insight, type InsightStatus, type StoredDetection } from './insight.js';

type Row = typeof insights.$inferSelect;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Q = Db | Tx;

/** Rows are parsed, never cast: a hand-edited or older row fails loudly here, not in a renderer. */
const parse = (row: Row): Insight => Insight.parse(row);

export async function findByFingerprints(q: Q, fingerprints: string[]): Promise<Map<string, Insight>> {
  if (fingerprints.length === 0) return new Map();
  const rows = await q.select().from(insights).where(inArray(insights.fingerprint, fingerprints));
  return new Map(rows.map((r) => [r.fingerprint, parse(r)]));
}

export async function findLive(q: Q): Promise<Insight[]> {
  const rows = await q.select().from(insights).where(inArray(insights.status, ['open', 'acknowledged']));
  return rows.map(parse);
}

export async function findById(q: Q, id: number): Promise<Insight | undefined> {
  const [row] = await q.select().from(insights).where(eq(insights.id, id));
  return row ? parse(row) : undefined;
}

/** Insights whose card has changes the outbox has not been handed yet. */
export async function findUnpublished(q: Q): Promise<Insight[]> {
  const rows = await q.select().from(insights).where(gt(insights.version, insights.publishedVersion));
  return rows.map(parse);
}

export type NewInsight = {
  fingerprint: string;
  kind: string;
  scope: string;
  severity: string;
  category: string;
  title: string;
  detection: StoredDetection;
  detectionHash: string;
  now: Date;
};

/**
 * Inserts new insights in one statement (a storm opens dozens at once); a fingerprint another
 * replica inserted first is skipped, and the next evaluation treats it as existing.
 */
export async function insertInsights(q: Q, fresh: NewInsight[]): Promise<number> {
  if (fresh.length === 0) return 0;
  const rows = await q
    .insert(insights)
    .values(fresh.map((n) => ({ ...n, status: 'open', firstSeenAt: n.now, lastSeenAt: n.now, updatedAt: n.now })))
    .onConflictDoNothing({ target: insights.fingerprint })
    .returning({ id: insights.id, episode: insights.episode });
  if (rows.length) {
    await q.insert(insightHistory).values(rows.map((r) => ({ insightId: r.id, episode: r.episode, change: 'opened', actor: null, at: fresh[0]!.now })));
  }
  return rows.length;
}

export type InsightChange = Partial<Pick<Row, 'severity' | 'title' | 'detection' | 'detectionHash'>>;

/** Evidence changed on a live insight: count it and re-send the card. */
export async function recordChange(q: Q, id: number, change: InsightChange, now: Date): Promise<void> {
  await q
    .update(insights)
    .set({ ...change, count: sql`${insights.count} + 1`, version: sql`${insights.version} + 1`, lastSeenAt: now, updatedAt: now })
    .where(eq(insights.id, id));
}

/** Same evidence: only "last seen", and at most once a minute, so a storm is not a write storm. */
export async function touch(q: Q, ids: number[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await q
    .update(insights)
    .set({ lastSeenAt: now })
    .where(and(inArray(insights.id, ids), lt(insights.lastSeenAt, new Date(now.getTime() - 60_000))));
}

export async function reopen(q: Q, existing: Insight, change: InsightChange, now: Date): Promise<void> {
  await q
    .update(insights)
    .set({
      ...change,
      status: 'open',
      episode: existing.episode + 1,
      count: sql`${insights.count} + 1`,
      version: sql`${insights.version} + 1`,
      resolvedAt: null,
      dismissedAt: null,
      dismissedBy: null,
      suppressedUntil: null,
      acknowledgedBy: null,
      acknowledgedAt: null,
      firstSeenAt: now,
      lastSeenAt: now,
      updatedAt: now,
    })
    .where(eq(insights.id, existing.id));
  await addHistory(q, existing.id, existing.episode + 1, 'reopened', null, now);
}

/**
 * A conditional status change: only from one of `from`, so two people (or a person and the
 * auto-resolver) racing on one insight cannot both win. Returns the updated row or undefined.
 */
export async function changeStatus(
  q: Q,
  id: number,
  from: InsightStatus[],
  to: InsightStatus,
  extra: Partial<Row>,
  actor: Actor | null,
  now: Date,
): Promise<Insight | undefined> {
  const [row] = await q
    .update(insights)
    .set({ ...extra, status: to, version: sql`${insights.version} + 1`, updatedAt: now })
    .where(and(eq(insights.id, id), inArray(insights.status, from)))
    .returning();
  if (!row) return undefined;
  await addHistory(q, id, row.episode, to, actor, now);
  return parse(row);
}

export async function markPublished(q: Q, id: number, version: number): Promise<void> {
  await q
    .update(insights)
    .set({ publishedVersion: version })
    .where(and(eq(insights.id, id), or(lt(insights.publishedVersion, version))));
}

async function addHistory(q: Q, insightId: number, episode: number, change: string, actor: Actor | null, at: Date): Promise<void> {
  await q.insert(insightHistory).values({ insightId, episode, change, actor, at });
}
