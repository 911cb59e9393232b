import { gt, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../db/client.js';
import { triageGaps } from '../db/schema/index.js';

/** A span when no replica was accepting events, in epoch ms. */
export type Gap = { from: number; to: number };

export type Presence = {
  /** One beat now (also what the timer runs); answers the gap it recorded, if any. */
  beat(): Promise<Gap | undefined>;
  stop(): void;
};

/**
 * Each replica says "I am accepting events" every beat, on the database's clock. A beat that
 * finds every replica silent for more than two beats records the silence as Triage's own
 * downtime: nothing the platform sent then was received, so time-based rules must not read it
 * as the platform's silence (docs/architecture.md, "Triage's own downtime"). One statement, so
 * two replicas coming back together see the same last beat and record one gap (unique start).
 */
export function startPresence(deps: { database: Database; replicaId: string; beatMs: number; logger: Pick<Logger, 'warn' | 'error'> }): Presence {
  const gapMs = 2 * deps.beatMs + 1_000;
  const beat = async (): Promise<Gap | undefined> => {
    const rows = await deps.database.query<{ started_at: string | Date; ended_at: string | Date }>(sql`
      with previous as (select max(last_beat_at) as last from replica_beats),
      mine as (
        insert into replica_beats (replica, started_at, last_beat_at) values (${deps.replicaId}, now(), now())
        on conflict (replica) do update set last_beat_at = now()),
      gap as (
        insert into triage_gaps (started_at, ended_at, noticed_by)
        select last, now(), ${deps.replicaId} from previous
        where last < now() - make_interval(secs => ${gapMs / 1_000})
        on conflict (started_at) do nothing
        returning started_at, ended_at)
      select started_at, ended_at from gap`);
    const row = rows[0];
    if (!row) return undefined;
    const gap = { from: new Date(row.started_at).getTime(), to: new Date(row.ended_at).getTime() };
    deps.logger.warn({ from: new Date(gap.from).toISOString(), to: new Date(gap.to).toISOString() }, 'no replica was accepting events for a while: recorded as Triage downtime, time-based rules give the platform grace');
    return gap;
  };
  const timer = setInterval(() => void beat().catch((error: unknown) => deps.logger.error({ err: error }, 'presence beat failed; the database may be unreachable')), deps.beatMs);
  timer.unref();
  return { beat, stop: () => clearInterval(timer) };
}

/** Gaps that ended after `since`: what the evaluator's window could have missed. */
export async function recentGaps(database: Database, since: Date): Promise<Gap[]> {
  const rows = await database.db.select().from(triageGaps).where(gt(triageGaps.endedAt, since)).orderBy(triageGaps.startedAt);
  return rows.map((r) => ({ from: r.startedAt.getTime(), to: r.endedAt.getTime() }));
}
