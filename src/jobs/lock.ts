import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, Db } from '../db/client.js';
import { err, ok, type Result } from '../result.js';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type JobBusy = { code: 'busy'; name: string };

/**
 * Runs `fn` only if no other holder (on any replica) has the lock named `name`; otherwise
 * returns `busy` at once, without waiting.
 *
 * PostgreSQL: `pg_try_advisory_xact_lock` inside a transaction that spans `fn`, so the lock is
 * tied to one pooled connection and released by commit, rollback or a dropped connection; a
 * session-level lock over a pool could be "unlocked" on another connection (STACK.md). The
 * two-key form puts Triage's job locks in their own key space, apart from anyone's bigint keys.
 * `fn` gets the transaction for writes that must commit only if it finishes.
 *
 * PGlite is one process with one connection: an in-process set is the whole lock, and `fn` gets
 * no transaction, because holding PGlite's only connection would block `fn`'s own queries.
 */
export async function withJobLock<T>(database: Database, name: string, fn: (tx: Tx | undefined) => Promise<T>): Promise<Result<T, JobBusy>> {
  return database.kind === 'postgres' ? withAdvisoryLock(database.db, name, fn) : withProcessLock(database.db, name, fn);
}

const Locked = z.object({ locked: z.boolean() });

async function withAdvisoryLock<T>(db: Db, name: string, fn: (tx: Tx) => Promise<T>): Promise<Result<T, JobBusy>> {
  return db.transaction(async (tx) => {
    const result = (await tx.execute(sql`select pg_try_advisory_xact_lock(hashtext('triage.jobs'), hashtext(${name})) as locked`)) as unknown;
    const [row] = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as unknown[];
    if (!Locked.parse(row).locked) return err({ code: 'busy', name });
    return ok(await fn(tx));
  });
}

/** Keyed by the drizzle instance, so every Database handle (and scheduler) over one PGlite shares it. */
const held = new WeakMap<object, Set<string>>();

async function withProcessLock<T>(db: Db, name: string, fn: (tx: undefined) => Promise<T>): Promise<Result<T, JobBusy>> {
  const names = held.get(db) ?? new Set<string>();
  held.set(db, names);
  if (names.has(name)) return err({ code: 'busy', name });
  names.add(name);
  try {
    return ok(await fn(undefined));
  } finally {
    names.delete(name);
  }
}
