import { and, desc, eq, lte } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { events } from '../../db/schema/events.js';
import { clock, HOUR } from '../../insights/catalog/helpers.js';
import { err, ok, type Result } from '../../result.js';
import type { CheckContext, DoctorAction, DoctorCheck, Finding } from '../check.js';
import type { DoctorConfig } from '../config.js';
import { humanAge } from './backup-age.js';
import { newestBackup } from './backup-files.js';
import { CONFIG_LINES, unconfigured } from './unconfigured.js';
import { reasonOf } from '../../db/error-reason.js';

export type BackupCheckDeps = { database: Database; config: DoctorConfig['backup'] };

/** The newest backup as the report names it: a file, or the target of a backup.completed event. */
type Seen = { what: string; at: Date };

const runBackup: DoctorAction = { kind: 'probe_failing', text: 'Run a backup and check the backup job', buttons: [] };

const failed = (summary: string, details: string[] = []): Finding => ({ status: 'fail', summary, details, actions: [runBackup] });

/**
 * The newest backup.completed event up to `now`: backup jobs that cannot share a filesystem with
 * Triage report through the intake instead (events.ts vocabulary, "Recovery readiness").
 */
async function newestEvent(database: Database, now: Date): Promise<Result<Seen, string>> {
  const [row] = await database.db
    .select({ occurredAt: events.occurredAt, attributes: events.attributes })
    .from(events)
    .where(and(eq(events.type, 'backup.completed'), lte(events.occurredAt, now)))
    .orderBy(desc(events.occurredAt))
    .limit(1);
  if (!row) return err('no backup.completed event seen');
  const target = (row.attributes as { target?: unknown }).target;
  return ok({ what: `backup.completed for ${typeof target === 'string' ? target : 'an unnamed target'}`, at: row.occurredAt });
}

/** `undefined`: no path configured and no backup.completed event either, so nothing to judge. */
async function newestSeen(deps: BackupCheckDeps, now: Date): Promise<Result<Seen, string> | undefined> {
  const { path } = deps.config;
  if (!path) {
    const seen = await newestEvent(deps.database, now);
    return seen.ok ? seen : undefined;
  }
  const found = await newestBackup(path);
  return found.ok ? ok({ what: found.value.file, at: found.value.modifiedAt }) : found;
}

function judge(seen: Seen, config: DoctorConfig['backup'], ctx: CheckContext): Finding {
  const ageMs = Math.max(0, ctx.now.getTime() - seen.at.getTime());
  const summary = `backup: ${humanAge(ageMs)}`;
  const newest = `newest: ${seen.what} (${clock(seen.at.getTime())})`;
  if (ageMs > config.failAfterHours * HOUR) {
    return failed(summary, [newest, `older than ${config.failAfterHours} hours`]);
  }
  if (ageMs > config.warnAfterHours * HOUR) {
    return { status: 'warning', summary, details: [newest, `older than ${config.warnAfterHours} hours`], actions: [runBackup] };
  }
  return { status: 'pass', summary, details: [newest], actions: [] };
}

/**
 * Recovery readiness: how old the newest backup is. A restore can only be as recent as the last
 * backup, so "none found" at a configured location is as bad as "too old", and a configured
 * location that is missing is named as such rather than read as "no backups yet". With no
 * location and no backup.completed event, nothing is configured: a WARNING with the line to add.
 */
export function backupCheck(deps: BackupCheckDeps): DoctorCheck {
  return {
    section: 'backup',
    name: 'Recovery readiness',
    async run(ctx): Promise<Finding> {
      let seen: Result<Seen, string> | undefined;
      try {
        seen = await newestSeen(deps, ctx.now);
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        return failed(`could not read backup events: ${reasonOf(error)}`);
      }
      ctx.signal.throwIfAborted();
      // No source is a gap in the setup, not a failed backup: say how to configure one.
      if (!seen) return unconfigured('backup source', CONFIG_LINES.backup, 'or have the backup job send backup.completed events to POST /v1/events');
      return seen.ok ? judge(seen.value, deps.config, ctx) : failed(seen.error);
    },
  };
}
