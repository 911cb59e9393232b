import type postgres from 'postgres';

/**
 * What bench/replicas.ts reads from the shared database: who leads (table `leases`, lease
 * `evaluator`, src/insights/evaluator.ts), how far the leader has followed the event log (table
 * `log_cursors`, saved by the leader every second), and the insight cards in `chat_outbox`.
 */
export type Leader = { holder: string; pid: number | undefined; epoch: number; live: boolean };

/** `host:pid:xxxx` (src/app.ts replicaId): the pid, or undefined when the holder does not look like one. */
export function pidOfHolder(holder: string): number | undefined {
  const match = /:(\d+):[^:]*$/.exec(holder);
  return match ? Number(match[1]) : undefined;
}

export async function readLeader(sql: postgres.Sql): Promise<Leader | undefined> {
  const [row] = await sql<{ holder: string; epoch: string; live: boolean }[]>`
    select holder, epoch::text as epoch, expires_at > now() as live from leases where name = 'evaluator'`;
  return row ? { holder: row.holder, pid: pidOfHolder(row.holder), epoch: Number(row.epoch), live: row.live } : undefined;
}

export type Progress = {
  /** Known events the leader's saved log position has not passed; null before it saved one. */
  behind: number | null;
  /** Insights whose latest version has not been handed to the outbox yet. */
  unpublished: number;
  /** Outbox rows still to send (pending or in flight). */
  queued: number;
};

export async function readProgress(sql: postgres.Sql): Promise<Progress> {
  const [row] = await sql<{ behind: number; cursors: number; unpublished: number; queued: number }[]>`
    select
      (select count(*)::int from events e, log_cursors c
        where c.name = 'evaluator' and e.known and (e.tx > c.tx or (e.tx = c.tx and e.seq > c.seq))) as behind,
      (select count(*)::int from log_cursors where name = 'evaluator') as cursors,
      (select count(*)::int from insights where version > published_version) as unpublished,
      (select count(*)::int from chat_outbox where status in ('pending', 'in_flight')) as queued`;
  return { behind: row!.cursors ? row!.behind : null, unpublished: row!.unpublished, queued: row!.queued };
}

/** Every insight card posted, as `fingerprint#episode` (card_key is `insight:<id>:<episode>`), sorted; and the other posts. */
export async function readCards(sql: postgres.Sql): Promise<{ cards: string[]; otherPosts: number }> {
  const rows = await sql<{ card: string }[]>`
    select coalesce(i.fingerprint, '(no insight ' || o.card_key || ')') || '#' || split_part(o.card_key, ':', 3) as card
    from chat_outbox o
    left join insights i on i.id = nullif(split_part(o.card_key, ':', 2), '')::bigint
    where o.kind = 'post' and o.card_key like 'insight:%'`;
  const [other] = await sql<{ n: number }[]>`select count(*)::int as n from chat_outbox where kind = 'post' and card_key not like 'insight:%'`;
  return { cards: rows.map((r) => r.card).sort(), otherPosts: other?.n ?? 0 };
}

/** "identical", or what one list has that the other has not (multisets: a card posted twice counts twice). */
export function compareCards(expected: readonly string[], actual: readonly string[]): { identical: boolean; missing: string[]; extra: string[] } {
  const counts = new Map<string, number>();
  for (const card of expected) counts.set(card, (counts.get(card) ?? 0) + 1);
  const extra: string[] = [];
  for (const card of actual) {
    const n = counts.get(card) ?? 0;
    if (n > 0) counts.set(card, n - 1);
    else extra.push(card);
  }
  const missing = [...counts].flatMap(([card, n]) => Array<string>(n).fill(card));
  return { identical: missing.length === 0 && extra.length === 0, missing, extra };
}
