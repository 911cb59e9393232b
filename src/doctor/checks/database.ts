import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { plural } from '../../insights/catalog/helpers.js';
import { pass, type CheckContext, type DoctorAction, type DoctorCheck, type Finding } from '../check.js';
import { reasonOf } from '../../db/error-reason.js';
import { connectionHeadroom } from './database-headroom.js';

export type DatabaseCheckDeps = { database: Database };

const restore = (text: string): DoctorAction => ({ kind: 'database_unreachable', text, buttons: [] });

const failed = (summary: string, action: string, details: string[] = []): Finding => ({
  status: 'fail',
  summary,
  details,
  actions: [restore(action)],
});

/** Raised inside the probe transaction so it always rolls back, whatever the driver does. */
class ProbeRollback extends Error {}

/**
 * Writes a row into a temporary table and reads it back inside a transaction that is then rolled
 * back: proves the database accepts writes (not a read-only replica, not out of disk) and leaves
 * nothing behind, not even the table.
 */
async function roundTrip(database: Database): Promise<string | undefined> {
  const token = randomUUID();
  let readBack: string | undefined;
  try {
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`create temporary table triage_doctor_probe (token text not null) on commit drop`);
      await tx.execute(sql`insert into triage_doctor_probe (token) values (${token})`);
      const result = (await tx.execute(sql`select token from triage_doctor_probe`)) as unknown;
      const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ token: string }>;
      readBack = rows[0]?.token;
      throw new ProbeRollback();
    });
  } catch (error) {
    if (!(error instanceof ProbeRollback)) throw error;
  }
  return readBack === token ? undefined : `wrote ${token} but read back ${readBack ?? 'nothing'}`;
}

function migrationFinding(applied: number, expected: number): Finding | undefined {
  const details = [`${applied} of ${expected} migrations applied`];
  if (applied < expected) {
    const summary = `${plural(expected - applied, 'migration')} not applied`;
    return failed(summary, "Apply Triage's database migrations (Triage applies them when it starts: restart it)", details);
  }
  if (applied > expected) {
    // A rolled-back deploy: this build does not know the newest schema and may misread it.
    return {
      status: 'warning',
      summary: `${plural(applied - expected, 'migration')} newer than this Triage`,
      details,
      actions: [restore('Run the Triage version that applied the newest migrations')],
    };
  }
  return undefined;
}

/** The write probe, its own failure: "unreachable" would be the wrong word for a refused write. */
async function probeWrite(database: Database): Promise<Finding | undefined> {
  let mismatch: string | undefined;
  try {
    mismatch = await roundTrip(database);
  } catch (error) {
    return failed(`write failed: ${reasonOf(error)}`, "Check Triage's database: it refuses writes (read-only, disk full or permissions)");
  }
  return mismatch ? failed('a write did not read back', "Check Triage's database: it does not return what was written", [mismatch]) : undefined;
}

async function inspect(database: Database, ctx: CheckContext): Promise<Finding> {
  const { applied, expected } = await database.migrationStatus();
  const migrations = migrationFinding(applied, expected);
  if (migrations?.status === 'fail') return migrations;
  ctx.signal.throwIfAborted();

  const write = await probeWrite(database);
  if (write) return write;
  ctx.signal.throwIfAborted();

  const headroom = database.kind === 'postgres' ? await connectionHeadroom(database) : undefined;
  const details = [
    `${applied} of ${expected} migrations applied`,
    'read and write round trip ok',
    ...(headroom ? [`connections: ${headroom.used} of ${headroom.max} in use (${headroom.percent}%)`] : []),
  ];
  if (headroom?.crowded) {
    return {
      status: 'warning',
      summary: `${headroom.percent}% of connections in use`,
      details,
      actions: [restore(`Free database connections: ${headroom.used} of ${headroom.max} in use; raise max_connections or lower pool sizes`)],
    };
  }
  return migrations ? { ...migrations, details } : pass(undefined, details);
}

/**
 * Database integrity: Triage's own database answers, has every migration this build ships, takes
 * a write and reads it back, and (on PostgreSQL) has connections to spare. Everything else Triage
 * does stands on this, which is why its action ranks first in the plan.
 */
export function databaseCheck({ database }: DatabaseCheckDeps): DoctorCheck {
  return {
    section: 'db',
    name: 'Database integrity',
    async run(ctx): Promise<Finding> {
      try {
        return await inspect(database, ctx);
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        return failed(`unreachable: ${reasonOf(error)}`, "Restore Triage's database connection");
      }
    },
  };
}
