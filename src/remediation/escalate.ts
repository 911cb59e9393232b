import { and, asc, eq, gte, sql } from 'drizzle-orm';
import type { Actor } from '../actor.js';
import { recordAudit } from '../audit/log.js';
import { actorKey } from '../auth/roles.js';
import type { Card } from '../chat/card.js';
import { enqueueUpdate } from '../chat/outbox/enqueue.js';
import type { Q } from '../chat/outbox/model.js';
import type { ChatPlatform } from '../chat/port.js';
import type { Db } from '../db/client.js';
import { auditLog } from '../db/schema/actions.js';
import type { Target } from './runs.js';

/** Where an escalation card goes: every routed channel on every chat platform, under one card key. */
export type CardPlace = { cardKey: string; channels: readonly string[]; platforms: readonly ChatPlatform[] };

/** The audit row that says a policy stopped: written once per insight episode and target. */
export type StopRecord = { actor: Actor; action: string; target: Target; detail: string };

const targetKey = (target: Target): string => `${target.kind}:${target.id}`;

/**
 * When the policy stopped on this target since `since` (the episode's start), if it did: its
 * audit row is the mark, so the card is drawn again (not posted again) on every later
 * publication, on any leader, after any restart.
 */
export async function stoppedAt(q: Q, stop: Omit<StopRecord, 'detail'>, since: Date): Promise<Date | undefined> {
  const [row] = await q
    .select({ at: auditLog.at })
    .from(auditLog)
    .where(and(gte(auditLog.at, since), eq(auditLog.actorKey, actorKey(stop.actor)), eq(auditLog.action, stop.action), eq(auditLog.target, targetKey(stop.target)), eq(auditLog.outcome, 'escalated')))
    .orderBy(asc(auditLog.at))
    .limit(1);
  return row?.at;
}

/** Hands the card to the outbox for each channel and platform: posted once, then updated in place. */
export async function drawCard(q: Q, place: CardPlace, card: Card, now: number): Promise<void> {
  for (const channel of place.channels) {
    for (const platform of place.platforms) await enqueueUpdate(q, { platform, channel, cardKey: place.cardKey, card }, now);
  }
}

/**
 * Records that the policy stopped and posts the card, exactly once: in one transaction under an
 * advisory lock on the card key, the mark is looked for and, when absent, the audit row and the
 * card are written together (a deposed leader finishing a publish cannot write a second row).
 * Answers whether this call wrote them.
 */
export async function stopOnce(db: Db, stop: StopRecord, since: Date, place: CardPlace, card: Card, now: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${place.cardKey}, 0))`);
    if (await stoppedAt(tx, stop, since)) return false;
    await recordAudit(tx, { actor: stop.actor, action: stop.action, target: targetKey(stop.target), outcome: 'escalated', detail: stop.detail, at: new Date(now) });
    await drawCard(tx, place, card, now);
    return true;
  });
}
