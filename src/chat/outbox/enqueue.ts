import { and, eq, sql } from 'drizzle-orm';
import { chatChannels, chatOutbox } from '../../db/schema/chat.js';
import { OutboundCard, priorityOf, type OutboundCardInput, type Q } from './model.js';

/**
 * - queued: a new row (a first post, or an update of a card already posted);
 * - folded: the card's post had not gone out yet (or had failed): it now carries this card;
 * - coalesced: an update was already waiting: it now carries this card instead;
 * - already_posted: enqueuePost of a card that is on its way or out; use enqueueUpdate to change it.
 */
export type EnqueueOutcome = 'queued' | 'folded' | 'coalesced' | 'already_posted';
export type Enqueued = { outcome: EnqueueOutcome; id?: number };

const sameCard = (c: OutboundCard) =>
  and(eq(chatOutbox.platform, c.platform), eq(chatOutbox.channel, c.channel), eq(chatOutbox.cardKey, c.cardKey));

/** One post per card and channel, ever. Runs in the caller's transaction when `q` is one. */
export async function enqueuePost(q: Q, input: OutboundCardInput, now: number): Promise<Enqueued> {
  const card = OutboundCard.parse(input);
  await ensureChannel(q, card);
  const posted = await upsertPost(q, card, now);
  return posted ?? { outcome: 'already_posted' };
}

/**
 * Makes `card` what the channel shows, as soon as storm control allows: folds into a post that
 * has not gone out, else queues (or coalesces into) the card's one pending update. A card never
 * posted is posted, so publishers can call this alone, again after a crash, without duplicates.
 */
export async function enqueueUpdate(q: Q, input: OutboundCardInput, now: number): Promise<Enqueued> {
  const card = OutboundCard.parse(input);
  await ensureChannel(q, card);
  const posted = await upsertPost(q, card, now);
  if (posted) return posted;
  const at = new Date(now);
  const [row] = await q
    .insert(chatOutbox)
    .values({ ...rowValues(card, now), kind: 'update', threadCardKey: null })
    .onConflictDoUpdate({
      target: [chatOutbox.platform, chatOutbox.channel, chatOutbox.cardKey],
      targetWhere: sql`kind = 'update' and status = 'pending'`,
      set: { card: sql`excluded.card`, priority: sql`least(${chatOutbox.priority}, excluded.priority)`, updatedAt: at },
    })
    .returning({ id: chatOutbox.id, inserted: sql<boolean>`(xmax = 0)` });
  return { outcome: row!.inserted ? 'queued' : 'coalesced', id: row!.id };
}

/**
 * Inserts the post, or refreshes it while it is still pending (latest card wins) or failed (a
 * re-publish is a retry with a fresh budget). Undefined when the post is in flight or sent.
 */
async function upsertPost(q: Q, card: OutboundCard, now: number): Promise<Enqueued | undefined> {
  const [row] = await q
    .insert(chatOutbox)
    .values({ ...rowValues(card, now), kind: 'post', threadCardKey: card.threadCardKey ?? null })
    .onConflictDoUpdate({
      target: [chatOutbox.platform, chatOutbox.channel, chatOutbox.cardKey],
      targetWhere: sql`kind = 'post'`,
      set: {
        card: sql`excluded.card`,
        priority: sql`least(${chatOutbox.priority}, excluded.priority)`,
        status: 'pending',
        attempts: sql`case when ${chatOutbox.status} = 'failed' then 0 else ${chatOutbox.attempts} end`,
        availableAt: sql`case when ${chatOutbox.status} = 'failed' then excluded.available_at else ${chatOutbox.availableAt} end`,
        updatedAt: new Date(now),
      },
      setWhere: sql`${chatOutbox.status} in ('pending', 'failed')`,
    })
    .returning({ id: chatOutbox.id, inserted: sql<boolean>`(xmax = 0)` });
  if (!row) return undefined;
  if (row.inserted) return { outcome: 'queued', id: row.id };
  // The post now carries the newest card: an older update still waiting would overwrite it.
  await q.delete(chatOutbox).where(and(sameCard(card), eq(chatOutbox.kind, 'update'), eq(chatOutbox.status, 'pending')));
  return { outcome: 'folded', id: row.id };
}

function rowValues(card: OutboundCard, now: number) {
  const at = new Date(now);
  return {
    platform: card.platform,
    channel: card.channel,
    cardKey: card.cardKey,
    card: card.card,
    priority: priorityOf(card.card.severity),
    status: 'pending',
    attempts: 0,
    availableAt: at,
    createdAt: at,
    updatedAt: at,
  };
}

/** The channel's post budget row must exist before a worker can take a slot from it. */
async function ensureChannel(q: Q, card: OutboundCard): Promise<void> {
  await q
    .insert(chatChannels)
    .values({ platform: card.platform, channel: card.channel, nextPostAt: new Date(0) })
    .onConflictDoNothing();
}
