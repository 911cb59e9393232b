import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import { platformObjects } from '../../db/schema/index.js';
import { err, ok, type Result } from '../../result.js';
import type { PlatformError } from '../port.js';
import { jsonLiteral } from './apply-sql.js';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * The simulator's objects that only its recovery operations change (see `platformObjects` in
 * src/db/schema/platform.ts), parsed with their schema when read: a document written by an older
 * simulator that no longer parses reads as absent, and the operation starts from its defaults.
 */
export async function readObject<S extends z.ZodType>(q: Db | Tx, kind: string, id: string, schema: S): Promise<z.output<S> | undefined> {
  const [row] = await q.select().from(platformObjects).where(and(eq(platformObjects.kind, kind), eq(platformObjects.id, id)));
  if (!row) return undefined;
  const parsed = schema.safeParse(row.state);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Changes one object under its row lock, so two operations on it at once apply one after the
 * other: `change` gets the current state (undefined when there is none yet) and answers the new
 * one, or a refusal that writes nothing.
 */
export async function changeObject<S extends z.ZodType>(
  db: Db,
  at: Date,
  ref: { kind: string; id: string; schema: S },
  change: (current: z.output<S> | undefined) => Result<z.output<S>, PlatformError> | Promise<Result<z.output<S>, PlatformError>>,
): Promise<Result<{ before: z.output<S> | undefined; after: z.output<S> }, PlatformError>> {
  try {
    return await db.transaction(async (tx) => {
      // Creates the row first when missing, so the lock below always has a row to hold.
      await tx.insert(platformObjects).values({ kind: ref.kind, id: ref.id, state: {}, updatedAt: at }).onConflictDoNothing();
      const [row] = await tx.select().from(platformObjects).where(and(eq(platformObjects.kind, ref.kind), eq(platformObjects.id, ref.id))).for('update');
      const parsed = ref.schema.safeParse(row?.state);
      const before = parsed.success ? parsed.data : undefined;
      const next = await change(before);
      // A refusal changes nothing: the transaction goes back, a row created for the lock with it.
      if (!next.ok) throw new Refused(next.error);
      await tx.update(platformObjects).set({ state: next.value as object, updatedAt: at }).where(and(eq(platformObjects.kind, ref.kind), eq(platformObjects.id, ref.id)));
      return ok({ before, after: next.value });
    });
  } catch (error) {
    if (error instanceof Refused) return err(error.failure);
    throw error;
  }
}

class Refused extends Error {
  constructor(readonly failure: PlatformError) {
    super(failure.message);
  }
}

/**
 * Folds event-borne facts into objects, for src/platform/simulator/apply-events.ts: one statement
 * for many objects, each `patch` merged over the stored state (`||`: the keys it names replace
 * theirs, the others stay), no bind parameters (see jsonLiteral).
 */
export function patchObjects(kind: string, items: Array<{ id: string; patch: Record<string, unknown>; at: Date }>): SQL[] {
  if (!items.length) return [];
  const json = JSON.stringify(items.map((i) => ({ kind, id: i.id, state: i.patch, updated_at: i.at.toISOString() })));
  return [
    sql`
    insert into platform_objects (kind, id, state, updated_at)
    select kind, id, state, updated_at from jsonb_to_recordset(${jsonLiteral(json)}) as x(kind text, id text, state jsonb, updated_at timestamptz)
    on conflict (kind, id) do update set state = platform_objects.state || excluded.state, updated_at = excluded.updated_at`,
  ];
}
