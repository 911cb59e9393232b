import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';

/**
 * Failure counts per week, read from the events the platform sent. Events rather than insights
 * because an insight is one row per kind and scope (seven stuck loops are one "loops_stuck"
 * card, and a recurrence reuses its row), while the digest counts what the seed counts: loops,
 * runtimes, routines and MCP servers that failed. Each entity counts once per week.
 */
export const METRICS = ['stuck_loops', 'runtime_failures', 'routine_failures', 'mcp_failures'] as const;
export type Metric = (typeof METRICS)[number];

export const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
/** The catalog's loops_stuck threshold: a loop with no end 30 minutes after it started was stuck. */
const STUCK_AFTER = sql.raw(`interval '30 minutes'`);

/** counts[metric][k]: entities that failed in week k before now (0 = the past 7 days). */
export type WeeklyCounts = Record<Metric, number[]>;

type Row = { metric: Metric; week: number; n: number };

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];

export async function weeklyCounts(db: Db, now: number, weeks: number): Promise<WeeklyCounts> {
  const nowAt = new Date(now).toISOString();
  const fromAt = new Date(now - weeks * WEEK_MS).toISOString();
  const week = (column: SQL): SQL => sql`floor(extract(epoch from (${nowAt}::timestamptz - ${column})) / ${WEEK_MS / 1000})::int`;
  const within = (alias: string): SQL => sql`${sql.raw(alias)}.occurred_at >= ${fromAt}::timestamptz and ${sql.raw(alias)}.occurred_at < ${nowAt}::timestamptz`;
  const result = await db.execute(sql`
    select metric, week, count(*)::int as n from (
      select 'stuck_loops' as metric, ${week(sql`s.occurred_at`)} as week, s.attributes->>'loopId' as entity
        from events s
       where s.type = 'loop.started' and ${within('s')} and s.occurred_at <= ${nowAt}::timestamptz - ${STUCK_AFTER}
         and not exists (
           select 1 from events f
            where f.type = 'loop.finished' and f.attributes->>'loopId' = s.attributes->>'loopId'
              and f.occurred_at >= s.occurred_at and f.occurred_at <= s.occurred_at + ${STUCK_AFTER})
      union
      select 'runtime_failures', ${week(sql`e.occurred_at`)}, e.attributes->>'runtime'
        from events e where e.type in ('runtime.execution_failed', 'runtime.disconnected') and ${within('e')}
      union
      select 'routine_failures', ${week(sql`e.occurred_at`)}, e.attributes->>'routine'
        from events e
       where (e.type = 'routine.paused' or (e.type = 'routine.run' and e.attributes->>'status' = 'failed')) and ${within('e')}
      union
      select 'mcp_failures', ${week(sql`e.occurred_at`)}, e.attributes->>'server'
        from events e where e.type = 'mcp.health' and e.attributes->>'status' = 'failing' and ${within('e')}
    ) failed
    where entity is not null
    group by metric, week`);
  const counts = Object.fromEntries(METRICS.map((m) => [m, Array.from({ length: weeks }, () => 0)])) as WeeklyCounts;
  for (const row of rowsOf<Row>(result)) {
    const series = counts[row.metric];
    if (series && row.week >= 0 && row.week < weeks) series[row.week] = Number(row.n);
  }
  return counts;
}

/**
 * When Triage first heard from the platform (the oldest event it kept): weeks before it are not
 * "zero failures", so the baseline leaves them out instead of averaging in zeros.
 */
export async function firstEventAt(db: Db): Promise<number | undefined> {
  // The primary key's order, not min(occurred_at): an index lookup instead of a scan of every event.
  const result = await db.execute(sql`select occurred_at from events order by seq asc limit 1`);
  const [row] = rowsOf<{ occurred_at: Date | string }>(result);
  return row ? new Date(row.occurred_at).getTime() : undefined;
}
