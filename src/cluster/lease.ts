import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, Db } from '../db/client.js';

/**
 * Named leases in PostgreSQL (table `leases`), the one primitive behind "exactly one replica
 * does this": the evaluator's leadership and each scheduled job's run. Every time in these
 * statements is the database's `clock_timestamp()`, so replicas with skewed clocks agree on expiry;
 * not `now()`, which is when the statement started: a takeover that waited for a frozen holder's
 * row lock must judge the expiry (and date its own lease) from when it got the row.
 *
 * The epoch grows by one whenever the lease changes hands (or its holder comes back after it
 * expired): a holder's writes carry it as a fencing token (`holdsLease` inside the write's
 * transaction), so a holder that was frozen past its expiry and wakes up changes nothing.
 */
export type LeaseName = string;
export type Tenure = { name: LeaseName; holder: string; epoch: number };
export type LeaseState = { holder: string; epoch: number; expiresAt: Date; acquiredAt: Date };

type Q = Pick<Db, 'execute'>;

const rowsOf = (result: unknown): unknown[] => (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? []));
const EpochRow = z.object({ epoch: z.coerce.number().int() });
const StateRow = z.object({ holder: z.string(), epoch: z.coerce.number().int(), expires_at: z.coerce.date(), acquired_at: z.coerce.date() });

/**
 * Takes the lease if it is free or expired, or extends it when `holder` already holds it.
 * Answers the tenure (same epoch when extended, the next one when taken) or undefined when
 * someone else holds it.
 */
export async function tryAcquire(q: Q, name: LeaseName, holder: string, ttlMs: number): Promise<Tenure | undefined> {
  const ttl = `${Math.max(1, Math.round(ttlMs))} milliseconds`;
  const [row] = rowsOf(
    await q.execute(sql`
      insert into leases (name, holder, epoch, acquired_at, renewed_at, expires_at)
      values (${name}, ${holder}, 1, clock_timestamp(), clock_timestamp(), clock_timestamp() + ${ttl}::interval)
      on conflict (name) do update set
        epoch = case when leases.holder = excluded.holder and leases.expires_at > clock_timestamp() then leases.epoch else leases.epoch + 1 end,
        acquired_at = case when leases.holder = excluded.holder and leases.expires_at > clock_timestamp() then leases.acquired_at else clock_timestamp() end,
        holder = excluded.holder,
        renewed_at = clock_timestamp(),
        expires_at = clock_timestamp() + ${ttl}::interval
      where leases.holder = excluded.holder or leases.expires_at <= clock_timestamp()
      returning epoch`),
  );
  return row ? { name, holder, epoch: EpochRow.parse(row).epoch } : undefined;
}

/** Extends a tenure; false when it expired or changed hands (then the holder must stop at once). */
export async function renew(q: Q, tenure: Tenure, ttlMs: number): Promise<boolean> {
  const ttl = `${Math.max(1, Math.round(ttlMs))} milliseconds`;
  const rows = rowsOf(
    await q.execute(sql`
      update leases set renewed_at = clock_timestamp(), expires_at = clock_timestamp() + ${ttl}::interval
      where name = ${tenure.name} and holder = ${tenure.holder} and epoch = ${tenure.epoch} and expires_at > clock_timestamp()
      returning epoch`),
  );
  return rows.length === 1;
}

/** Gives the lease up now (SIGTERM, a finished job): the next taker need not wait for expiry. */
export async function release(q: Q, tenure: Tenure): Promise<void> {
  await q.execute(sql`
    update leases set expires_at = clock_timestamp() - interval '1 millisecond'
    where name = ${tenure.name} and holder = ${tenure.holder} and epoch = ${tenure.epoch}`);
}

/**
 * The fencing check, run first inside a write's transaction: true while the tenure is current.
 * FOR SHARE holds the lease row until the write commits, so a takeover (an UPDATE of that row)
 * waits for the write to finish, and a write that starts after the takeover sees it and is
 * refused. A frozen holder's open transaction is ended by the pool's
 * idle_in_transaction_session_timeout (src/db/client.ts), so it cannot block a takeover for long.
 */
export async function holdsLease(q: Q, tenure: Tenure): Promise<boolean> {
  const rows = rowsOf(
    await q.execute(sql`
      select 1 as held from leases
      where name = ${tenure.name} and holder = ${tenure.holder} and epoch = ${tenure.epoch} and expires_at > clock_timestamp()
      for share`),
  );
  return rows.length === 1;
}

/** Who holds a lease now (expired or not), for /doctor, /metrics and tests. */
export async function leaseState(database: Database, name: LeaseName): Promise<LeaseState | undefined> {
  const [row] = await database.query(sql`select holder, epoch, expires_at, acquired_at from leases where name = ${name}`);
  if (!row) return undefined;
  const parsed = StateRow.parse(row);
  return { holder: parsed.holder, epoch: parsed.epoch, expiresAt: parsed.expires_at, acquiredAt: parsed.acquired_at };
}
