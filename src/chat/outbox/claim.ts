import { randomUUID } from 'node:crypto';
import { inArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { chatOutbox } from '../../db/schema/chat.js';
import { ChatPlatform } from '../port.js';
import { OutboxKind, platformList, rows, ts, type ClaimedRow, type OutboxOptions, type Tx } from './model.js';

const Candidate = z.object({
  id: z.coerce.number(),
  kind: OutboxKind,
  platform: ChatPlatform,
  channel: z.string(),
  cardKey: z.string(),
  targetMessageId: z.string().nullable(),
});
type Candidate = z.infer<typeof Candidate>;

export type ClaimInput = { platforms: ChatPlatform[]; now: number; options: OutboxOptions };

/**
 * Takes up to `batchSize` due rows for this worker in one short transaction: lock candidates with
 * SKIP LOCKED (other workers take other rows), take each one's storm-control slot, mark them
 * in_flight under a lease, commit. Delivery happens after commit, outside any transaction.
 */
export async function claim(db: Db, input: ClaimInput): Promise<ClaimedRow[]> {
  if (input.platforms.length === 0) return [];
  return db.transaction(async (tx) => {
    const candidates = await selectCandidates(tx, input);
    const granted: Candidate[] = [];
    for (const candidate of candidates) {
      if (await takeSlot(tx, candidate, input)) granted.push(candidate);
    }
    if (granted.length === 0) return [];
    const claimToken = randomUUID();
    const updated = await tx
      .update(chatOutbox)
      .set({
        status: 'in_flight',
        attempts: sql`${chatOutbox.attempts} + 1`,
        claimToken,
        claimedAt: new Date(input.now),
        leaseUntil: new Date(input.now + input.options.leaseMs),
        updatedAt: new Date(input.now),
      })
      .where(inArray(chatOutbox.id, granted.map((c) => c.id)))
      .returning({ id: chatOutbox.id, card: chatOutbox.card, attempts: chatOutbox.attempts });
    const byId = new Map(updated.map((u) => [u.id, u]));
    // Keep the candidates' order (critical first, then oldest) for the delivery that follows.
    return granted.map((c) => ({ ...c, card: byId.get(c.id)!.card, attempts: byId.get(c.id)!.attempts, claimToken }));
  });
}

/**
 * Due rows, critical first then oldest: pending and due, or in flight with an expired lease (a
 * worker died). Posts need their channel's slot free (and a thread parent already posted);
 * updates need the card's message, its update slot free, and no earlier update still in flight
 * (it could land after this one and show an older card).
 */
async function selectCandidates(tx: Tx, { platforms, now, options }: ClaimInput): Promise<Candidate[]> {
  const t = ts(now);
  const found = await rows<unknown>(
    tx,
    sql`with paced as (${ensureWorkspacePace(platforms)})
        select o.id::text as id, o.kind, o.platform, o.channel, o.card_key as "cardKey",
          case when o.kind = 'update' then m.message_id else p.message_id end as "targetMessageId"
        from chat_outbox o
        left join chat_messages m on m.platform = o.platform and m.channel = o.channel and m.card_key = o.card_key
        left join chat_messages p on p.platform = o.platform and p.channel = o.channel and p.card_key = o.thread_card_key
        where o.platform in (${platformList(platforms)})
          and ((o.status = 'pending' and o.available_at <= ${t}) or (o.status = 'in_flight' and o.lease_until <= ${t}))
          and (
            (o.kind = 'post' and (o.thread_card_key is null or p.message_id is not null)
              and exists (select 1 from chat_channels c
                          where c.platform = o.platform and c.channel = o.channel and c.next_post_at <= ${t}))
            or (o.kind = 'update' and m.next_update_at <= ${t}
              and exists (select 1 from chat_workspace_pace w where w.platform = o.platform and w.next_update_at <= ${t})
              and not exists (select 1 from chat_outbox s
                              where s.platform = o.platform and s.channel = o.channel and s.card_key = o.card_key
                                and s.id <> o.id and s.status = 'in_flight' and s.lease_until > ${t}))
          )
        order by o.priority, o.created_at, o.id
        limit ${options.batchSize}
        for update of o skip locked`,
  );
  return found.map((row) => Candidate.parse(row));
}

/**
 * The storm-control slot, taken in the same transaction as the claim so every worker and replica
 * shares it: a post moves its channel's next_post_at on; an update moves its card's
 * next_update_at and its platform's workspace pace together, in one statement, so neither is
 * spent without the other. SKIP LOCKED again: a slot another worker is taking right now is simply
 * not ours this round, and no claim ever waits on another, so claims cannot deadlock.
 */
async function takeSlot(tx: Tx, c: Candidate, { now, options }: ClaimInput): Promise<boolean> {
  const t = ts(now);
  const taken =
    c.kind === 'post'
      ? await rows(
          tx,
          sql`with slot as (select platform, channel from chat_channels
                            where platform = ${c.platform} and channel = ${c.channel} and next_post_at <= ${t}
                            for update skip locked)
              update chat_channels ch set next_post_at = ${ts(now + options.channelPostIntervalMs)}
              from slot where ch.platform = slot.platform and ch.channel = slot.channel
              returning 1 as taken`,
        )
      : await rows(
          tx,
          sql`with card as (select platform, channel, card_key from chat_messages
                            where platform = ${c.platform} and channel = ${c.channel} and card_key = ${c.cardKey}
                              and next_update_at <= ${t}
                            for update skip locked),
                   workspace as (select platform from chat_workspace_pace
                                 where platform = ${c.platform} and next_update_at <= ${t} and exists (select 1 from card)
                                 for update skip locked),
                   paced as (update chat_workspace_pace w set next_update_at = ${ts(now + options.workspaceUpdateIntervalMs)}
                             from workspace where w.platform = workspace.platform returning 1)
              update chat_messages msg set next_update_at = ${ts(now + options.minUpdateIntervalMs)}
              from card where msg.platform = card.platform and msg.channel = card.channel and msg.card_key = card.card_key
                and exists (select 1 from workspace)
              returning 1 as taken`,
        );
  return taken.length > 0;
}

/**
 * The workspace pace row must exist before a worker can take a slot from it. Created by the
 * claim (in its first statement, seen from the next claim on) rather than at enqueue, so updates
 * queued by a release that did not know the table are claimed too, and a deleted row comes back;
 * once the row is there the guard makes this a read.
 */
function ensureWorkspacePace(platforms: ChatPlatform[]): SQL {
  const wanted = sql.join([...platforms].sort().map((p) => sql`(${p})`), sql`, `);
  return sql`insert into chat_workspace_pace (platform, next_update_at)
             select v.platform, 'epoch'::timestamptz from (values ${wanted}) as v(platform)
             where not exists (select 1 from chat_workspace_pace w where w.platform = v.platform)
             on conflict do nothing`;
}
