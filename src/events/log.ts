import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client.js';
import type { StoredEvent } from '../intake/event-writer.js';

/**
 * Reading the durable event log (table `events`) in commit-safe order.
 *
 * Sequence numbers are taken before commit, so with several intake transactions in flight (two
 * per replica, any number of replicas) seq 10 can commit before seq 9: a reader that follows
 * "seq > last seen" skips 9 for ever. Each row therefore carries the id of the transaction that
 * wrote it (`tx`), and a reader only takes rows whose transaction is older than the oldest one
 * still running (`pg_snapshot_xmin`): those transactions have all finished, so no row below that
 * horizon can appear later (transactions of other databases on the same server are not waited for, see HORIZON). Within the horizon rows are read in (tx, seq) order, which makes a
 * position a plain pair. docs/architecture.md, "Following the event log".
 */
export type LogPosition = { tx: number; seq: number };
export type LogBatch = {
  events: LoggedEvent[];
  /** Where the next read starts: after everything read, or up to the horizon when read whole. */
  position: LogPosition;
  /** False when the read stopped at `limit`: call again at once. */
  complete: boolean;
};
export type LoggedEvent = StoredEvent & { tx: number; seq: number };

/** Before every row: the position of a consumer that has read nothing. */
export const LOG_START: LogPosition = { tx: 0, seq: 0 };
/** "Everything of transactions before `horizon`." */
export const before = (horizon: number): LogPosition => ({ tx: horizon - 1, seq: Number.MAX_SAFE_INTEGER });
export const isAfter = (a: LogPosition, b: LogPosition): boolean => a.tx > b.tx || (a.tx === b.tx && a.seq > b.seq);

/**
 * The oldest transaction of *this database* still running in the read's snapshot (or the next
 * transaction id when none is): below it every transaction has finished. Transaction ids are
 * cluster-wide, so the plain pg_snapshot_xmin would also wait for transactions in other
 * databases of the same server, which can never write our events; a transaction of the
 * snapshot that pg_stat_activity places in another database is left out. One that has finished
 * since (so pg_stat_activity no longer lists it) is kept: waiting one more poll is safe, skipping is not.
 */
const HORIZON = sql`
  select coalesce(
    (select min(x::text::bigint) from pg_snapshot_xip(s) x
      where not exists (
        select 1 from pg_stat_activity a
        where a.backend_xid::text::bigint = x::text::bigint % 4294967296 and a.datname is distinct from current_database())),
    pg_snapshot_xmax(s)::text::bigint) as horizon
  from (select pg_current_snapshot() as s) as snapshot`;

const Horizon = z.object({ horizon: z.coerce.number().int() });
const Row = z.object({
  seq: z.coerce.number().int(),
  tx: z.coerce.number().int(),
  source: z.string(),
  event_key: z.string(),
  type: z.string(),
  occurred_ms: z.coerce.number(),
  attributes: z.record(z.string(), z.unknown()),
});
type Row = z.infer<typeof Row>;

/**
 * A row as the driver gives it (bigint columns as strings or numbers, jsonb parsed) is checked by
 * hand: the leader reads every other replica's events, and zod's object parse per row was a
 * measurable share of its CPU per event (bench/replicas). The time comes as epoch milliseconds:
 * drizzle has postgres.js hand timestamptz over as text ("2026-12-07 13:45:21.94+00"), which no
 * hand check accepted, so on PostgreSQL every row took the schema's slow path. Anything unusual
 * goes through the schema, which says what is wrong.
 */
function parseRow(raw: unknown): Row {
  const r = raw as Record<string, unknown>;
  const plain =
    typeof r.source === 'string' &&
    typeof r.event_key === 'string' &&
    typeof r.type === 'string' &&
    typeof r.occurred_ms === 'number' &&
    typeof r.attributes === 'object' &&
    r.attributes !== null &&
    !Array.isArray(r.attributes);
  const seq = Number(r.seq);
  const tx = Number(r.tx);
  if (plain && Number.isSafeInteger(seq) && Number.isSafeInteger(tx)) return { ...(r as Omit<Row, 'seq' | 'tx'>), seq, tx };
  return Row.parse(raw);
}

const toEvent = (row: Row): LoggedEvent => ({
  id: row.event_key,
  eventKey: row.event_key,
  type: row.type,
  source: row.source,
  occurredAt: new Date(row.occurred_ms).toISOString(),
  attributes: row.attributes,
  known: true,
  tx: row.tx,
  seq: row.seq,
});

/**
 * Runs `read` with the horizon, both in one REPEATABLE READ snapshot: every row below the horizon
 * is then visible to the read.
 */
async function inSnapshot<T>(database: Database, read: (rows: (query: SQL) => Promise<LoggedEvent[]>, horizon: number) => Promise<T>): Promise<T> {
  return database.db.transaction(
    async (tx) => {
      const [h] = rowsOf(await tx.execute(HORIZON));
      const rows = async (query: SQL) => rowsOf(await tx.execute(query)).map((r) => toEvent(parseRow(r)));
      return read(rows, Horizon.parse(h).horizon);
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

const COLUMNS = sql.raw('seq, tx, source, event_key, type, (extract(epoch from occurred_at) * 1000)::float8 as occurred_ms, attributes');

/**
 * The next known events after `after`, oldest transaction first, at most `limit`, leaving out the
 * transactions in `skip`. The range on `tx` is what the BRIN index on events.tx answers.
 */
export async function readLog(database: Database, after: LogPosition, limit: number, skip: readonly number[] = []): Promise<LogBatch> {
  return inSnapshot(database, async (rows, horizon) => {
    // Transactions the reader already has (the leader's own writes) are not sent back at all:
    // fetching and parsing them again cost the leader a third more CPU per event (bench/intake).
    const others = skip.length ? sql`and not (tx = any(${`{${skip.join(',')}}`}::bigint[]))` : sql``;
    const events = await rows(sql`
      select ${COLUMNS} from events
      where known and tx >= ${after.tx} and (tx > ${after.tx} or seq > ${after.seq}) and tx < ${horizon} ${others}
      order by tx, seq
      limit ${limit}`);
    const last = events[events.length - 1];
    if (events.length === limit && last) return { events, position: { tx: last.tx, seq: last.seq }, complete: false };
    const whole = before(horizon);
    return { events, position: isAfter(whole, after) ? whole : after, complete: true };
  });
}

/**
 * What a new leader's window starts from: the newest `limit` known events received within
 * `sinceMs` (the window's retention) whose transactions have finished, oldest first, and the
 * position to follow the log from so nothing is read twice or missed. Bounded by received_at
 * (BRIN-indexed, appended in order) and read newest first, so a table of months costs the same
 * as one of hours, and a storm beyond `limit` keeps its newest events, not its oldest. Rows stored
 * before events.tx existed have none: they are all older than any running transaction.
 */
export async function readRecent(database: Database, sinceMs: number, limit: number, now: number): Promise<LogBatch> {
  const since = new Date(now - sinceMs).toISOString();
  return inSnapshot(database, async (rows, horizon) => {
    const events = await rows(sql`
      select ${COLUMNS} from events
      where known and received_at >= ${since}::timestamptz and occurred_at >= ${since}::timestamptz and (tx < ${horizon} or tx is null)
      order by received_at desc, seq desc
      limit ${limit}`);
    return { events: events.reverse(), position: before(horizon), complete: true };
  });
}

/** Seconds since the oldest known event after `position` was received; 0 when there is none. */
export async function lagSeconds(database: Database, position: LogPosition): Promise<number> {
  const [row] = await database.query<{ lag: number | string | null }>(sql`
    select extract(epoch from now() - min(received_at)) as lag from events
    where known and tx >= ${position.tx} and (tx > ${position.tx} or seq > ${position.seq})`);
  return Math.max(0, Number(row?.lag ?? 0));
}

function rowsOf(result: unknown): unknown[] {
  return Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? []);
}
