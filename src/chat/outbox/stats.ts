import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { ChatPlatform } from '../port.js';
import { OutboxStatus, platformList, rows } from './model.js';

/** What /metrics and Doctor read: failed rows are kept, so `failed` only grows until someone acts. */
export type OutboxStats = Record<'pending' | 'inFlight' | 'sent' | 'failed', number> & {
  /** When the longest-waiting pending row was created: a growing age means delivery is stuck. */
  oldestPendingAt: Date | null;
};

const Count = z.object({ status: OutboxStatus, n: z.coerce.number() });
const Oldest = z.object({ oldest: z.coerce.number().nullable() });

/**
 * Counts from the counters kept on write (table outbox_counts: a few folded rows plus the deltas
 * since the leader last folded them), never a scan of the outbox; the oldest pending row comes
 * from the due-rows index, which holds only what waits.
 */
export async function outboxStats(db: Db): Promise<OutboxStats> {
  const [counts, oldest] = await Promise.all([
    rows<unknown>(db, sql`select status, sum(n)::bigint as n from outbox_counts group by status`),
    rows<unknown>(db, sql`select (extract(epoch from min(created_at)) * 1000)::float8 as oldest from chat_outbox where status = 'pending'`),
  ]);
  const stats: OutboxStats = { pending: 0, inFlight: 0, sent: 0, failed: 0, oldestPendingAt: null };
  for (const row of counts.map((r) => Count.parse(r))) stats[row.status === 'in_flight' ? 'inFlight' : row.status] = row.n;
  const at = Oldest.parse(oldest[0] ?? { oldest: null }).oldest;
  stats.oldestPendingAt = at === null ? null : new Date(at);
  return stats;
}

const Due = z.object({ due: z.coerce.number().nullable() });

/**
 * The earliest time any row of these platforms may become claimable: its backoff, its channel's
 * post slot, its card's and its workspace's update slots, or an expired lease. Null when nothing waits on time
 * (an update or thread reply whose message is not posted yet wakes when that post is settled).
 */
export async function nextDueAt(db: Db, platforms: ChatPlatform[]): Promise<number | null> {
  if (platforms.length === 0) return null;
  const [row] = await rows<unknown>(
    db,
    sql`select (extract(epoch from min(case
              when o.status = 'in_flight' then o.lease_until
              when o.kind = 'post' and o.thread_card_key is not null and p.message_id is null then null
              when o.kind = 'post' then greatest(o.available_at, c.next_post_at)
              when m.message_id is null then null
              else greatest(o.available_at, m.next_update_at, w.next_update_at,
                            (select max(s.lease_until) from chat_outbox s
                             where s.platform = o.platform and s.channel = o.channel and s.card_key = o.card_key
                               and s.status = 'in_flight' and s.id <> o.id)) end)) * 1000)::float8 as due
        from chat_outbox o
        left join chat_channels c on c.platform = o.platform and c.channel = o.channel
        left join chat_messages m on m.platform = o.platform and m.channel = o.channel and m.card_key = o.card_key
        left join chat_workspace_pace w on w.platform = o.platform
        left join chat_messages p on p.platform = o.platform and p.channel = o.channel and p.card_key = o.thread_card_key
        where o.platform in (${platformList(platforms)}) and o.status in ('pending', 'in_flight')`,
  );
  const due = Due.parse(row ?? { due: null }).due;
  return due;
}
