import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { chatChannels, chatMessages, chatOutbox, chatWorkspacePace } from '../../db/schema/chat.js';
import { fullJitterDelay, type Random } from '../../resilience/backoff.js';
import type { ChatError } from '../port.js';
import type { ClaimedRow, OutboxOptions, Tx } from './model.js';

/**
 * - sent: delivered and recorded;
 * - retry: back to pending, due again at `retryAt`;
 * - failed: kept with its last error, never retried on its own;
 * - lost_lease: this worker overran its lease and another took the row; it settles nothing.
 */
export type Settled = { outcome: 'sent' } | { outcome: 'retry'; retryAt: number } | { outcome: 'failed' } | { outcome: 'lost_lease' };

/** Only the holder of the current claim may settle a row. */
const held = (row: ClaimedRow) => and(eq(chatOutbox.id, row.id), eq(chatOutbox.claimToken, row.claimToken), eq(chatOutbox.status, 'in_flight'));

export async function markSent(db: Db, row: ClaimedRow, messageId: string | null, now: number, options: OutboxOptions): Promise<Settled> {
  const at = new Date(now);
  return db.transaction(async (tx) => {
    const [done] = await tx
      .update(chatOutbox)
      .set({ status: 'sent', sentAt: at, updatedAt: at, messageId, lastError: null, claimToken: null, leaseUntil: null })
      .where(held(row))
      .returning({ id: chatOutbox.id });
    if (!done) return { outcome: 'lost_lease' };
    const key = { platform: row.platform, channel: row.channel, cardKey: row.cardKey };
    if (row.kind === 'post' && messageId) {
      // The post itself counts as the card's latest write for update storm control.
      const next = new Date(now + options.minUpdateIntervalMs);
      await tx
        .insert(chatMessages)
        .values({ ...key, messageId, postedAt: at, nextUpdateAt: next })
        .onConflictDoUpdate({ target: [chatMessages.platform, chatMessages.channel, chatMessages.cardKey], set: { messageId, postedAt: at } });
    } else if (row.kind === 'update') {
      await tx.update(chatMessages).set({ lastUpdatedAt: at }).where(sameMessage(row));
    }
    return { outcome: 'sent' };
  });
}

export type FailureInput = { row: ClaimedRow; error: ChatError; now: number; options: OutboxOptions; random: Random };

/**
 * Permanent errors fail at once; others retry with full-jitter backoff, never before the
 * platform's Retry-After, until the attempts run out. A rate-limited post also holds back its
 * channel's other posts, and a rate-limited update every update of its platform's workspace,
 * since those are the scopes of the platform's limits, not the card.
 */
export async function markFailure(db: Db, { row, error, now, options, random }: FailureInput): Promise<Settled> {
  const message = error.code === 'rate_limited' ? `rate limited for ${error.retryAfterMs} ms` : error.message;
  const lastError = `${error.code}: ${message}`.slice(0, 2000);
  // A 429 is the platform saying when to come again, not a failed try: it gives its attempt back,
  // and what bounds it is the count of rate-limit waits (they read the row's current count).
  const limited = error.code === 'rate_limited';
  const exhausted = limited ? false : row.attempts >= options.maxAttempts;
  if (error.code === 'permanent' || exhausted) {
    return db.transaction(async (tx) => {
      const [done] = await tx
        .update(chatOutbox)
        .set({ status: 'failed', lastError, updatedAt: new Date(now), claimToken: null, leaseUntil: null })
        .where(held(row))
        .returning({ id: chatOutbox.id });
      if (!done) return { outcome: 'lost_lease' };
      if (row.kind === 'post') await foldWaitingUpdates(tx, row);
      return { outcome: 'failed' };
    });
  }
  const jitter = fullJitterDelay(row.attempts - 1, { baseMs: options.baseBackoffMs, capMs: options.capBackoffMs, random });
  // Retry-After is waited for exactly (plus a little jitter, so replicas do not all come back at once).
  const retryAt = limited ? now + Math.ceil(error.retryAfterMs) + Math.floor(random() * 250) : now + jitter;
  return db.transaction(async (tx) => {
    const [done] = await tx
      .update(chatOutbox)
      .set({
        ...(limited
          ? {
              status: sql`case when ${chatOutbox.rateLimitedWaits} >= ${options.maxRateLimitedWaits} then 'failed' else 'pending' end`,
              attempts: sql`greatest(${chatOutbox.attempts} - 1, 0)`,
              rateLimitedWaits: sql`${chatOutbox.rateLimitedWaits} + 1`,
            }
          : { status: 'pending' }),
        availableAt: new Date(retryAt),
        lastError,
        updatedAt: new Date(now),
        claimToken: null,
        leaseUntil: null,
      })
      .where(held(row))
      .returning({ id: chatOutbox.id, status: chatOutbox.status });
    if (!done) return { outcome: 'lost_lease' };
    if (done.status === 'failed') {
      if (row.kind === 'post') await foldWaitingUpdates(tx, row);
      return { outcome: 'failed' };
    }
    const until = sql`${new Date(retryAt).toISOString()}::timestamptz`;
    if (limited && row.kind === 'post') {
      await tx
        .update(chatChannels)
        .set({ nextPostAt: sql`greatest(${chatChannels.nextPostAt}, ${until})` })
        .where(and(eq(chatChannels.platform, row.platform), eq(chatChannels.channel, row.channel)));
    } else if (limited) {
      await tx
        .update(chatWorkspacePace)
        .set({ nextUpdateAt: sql`greatest(${chatWorkspacePace.nextUpdateAt}, ${until})` })
        .where(eq(chatWorkspacePace.platform, row.platform));
    }
    return { outcome: 'retry', retryAt };
  });
}

/**
 * Updates queued while this post was in flight can never be delivered now (there is no message).
 * The failed post takes the newest card, so it is what a re-publish or an operator retries with.
 */
async function foldWaitingUpdates(tx: Tx, row: ClaimedRow): Promise<void> {
  const waiting = and(
    eq(chatOutbox.platform, row.platform),
    eq(chatOutbox.channel, row.channel),
    eq(chatOutbox.cardKey, row.cardKey),
    eq(chatOutbox.kind, 'update'),
    eq(chatOutbox.status, 'pending'),
  );
  const [latest] = await tx.select({ card: chatOutbox.card }).from(chatOutbox).where(waiting);
  if (!latest) return;
  await tx.update(chatOutbox).set({ card: latest.card }).where(eq(chatOutbox.id, row.id));
  await tx.delete(chatOutbox).where(waiting);
}

const sameMessage = (row: ClaimedRow) =>
  and(eq(chatMessages.platform, row.platform), eq(chatMessages.channel, row.channel), eq(chatMessages.cardKey, row.cardKey));
