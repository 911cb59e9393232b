import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { GENAI_SOURCE } from './events.js';
import type { GenAiConfig } from './config.js';
import { mergeByKey, type Dimension, type RollupRow } from './fold.js';
import { readRollups, sumRollups, type Sums } from './store.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * What the signals of one window are derived from, read from genai_rollups:
 * - current: each dimension/key's totals over the window [end − window, end);
 * - previous: the same one minute earlier, so a signal that was notable then and is not now is
 *   reported once more, as its all-clear (cards read the newest report);
 * - busiestMinute: each op_call key's most calls in one minute of the window (a storm is a burst);
 * - baseline: op_call calls before the window, for the retry storm's "far above its baseline";
 * - today: agent_model tokens since the UTC day began, for spend against a daily budget.
 */
export type WindowView = {
  end: number;
  windowMinutes: number;
  current: Map<string, RollupRow>;
  previous: Map<string, RollupRow>;
  busiestMinute: { current: Map<string, number>; previous: Map<string, number> };
  baseline: Map<string, Sums>;
  baselineMinutes: number;
  today: Map<string, Sums>;
  /**
   * The platform's own latest limit for each routine an agent is mapped to (its routine.spend
   * events): an approved budget override raises it there, and the spend signal must compare
   * against that, not the configured day budget, or the card would come back every window.
   */
  routineLimits: Map<string, number>;
};

const WINDOWED: Dimension[] = ['provider', 'agent_model', 'agent_run', 'tool', 'mcp_server', 'op_call'];

/** The end of the newest window that has settled at `now`: the start of a minute, settleSeconds ago or more. */
export const windowEndAt = (config: GenAiConfig, now: number): number => Math.floor((now - config.settleSeconds * 1000) / MINUTE) * MINUTE;

export async function readWindow(database: Database, config: GenAiConfig, end: number): Promise<WindowView> {
  const window = config.windowMinutes * MINUTE;
  const start = end - window;
  const baselineMinutes = config.retryStorm.baselineMinutes;
  const [rows, baseline, today, routineLimits] = await Promise.all([
    readRollups(database, WINDOWED, start - MINUTE, end),
    sumRollups(database, 'op_call', start - baselineMinutes * MINUTE, start),
    sumRollups(database, 'agent_model', Math.floor((end - 1) / DAY) * DAY, end),
    platformRoutineLimits(database, [...new Set(Object.values(config.agentRoutines))]),
  ]);
  const current = rows.filter((r) => r.minute >= start);
  const previous = rows.filter((r) => r.minute < end - MINUTE);
  return {
    end,
    windowMinutes: config.windowMinutes,
    current: mergeByKey(current),
    previous: mergeByKey(previous),
    busiestMinute: { current: busiest(current), previous: busiest(previous) },
    baseline,
    baselineMinutes,
    today,
    routineLimits,
  };
}

/** Each routine's newest limit as the platform reported it (not as the OTLP signals restate it). */
async function platformRoutineLimits(database: Database, routines: string[]): Promise<Map<string, number>> {
  const limits = new Map<string, number>();
  if (!routines.length) return limits;
  const rows = await database.query<{ routine: string; limit_usd: number | string | null }>(sql`
    select r.routine, (
      select (e.attributes->>'limitUsd')::float from events e
      where e.type = 'routine.spend' and e.source <> ${GENAI_SOURCE} and e.attributes->>'routine' = r.routine
      order by e.occurred_at desc limit 1) as limit_usd
    from unnest(array[${sql.join(routines.map((r) => sql`${r}`), sql`, `)}]::text[]) as r(routine)`);
  for (const row of rows) if (row.limit_usd !== null && Number.isFinite(Number(row.limit_usd))) limits.set(row.routine, Number(row.limit_usd));
  return limits;
}

function busiest(rows: readonly RollupRow[]): Map<string, number> {
  const most = new Map<string, number>();
  for (const r of rows) if (r.dimension === 'op_call' && r.calls > (most.get(r.key) ?? 0)) most.set(r.key, r.calls);
  return most;
}

/** The rows of one dimension in a merged map. */
export function* ofDimension(rows: Map<string, RollupRow>, dimension: Dimension): Generator<RollupRow> {
  for (const row of rows.values()) if (row.dimension === dimension) yield row;
}

export const rowOf = (rows: Map<string, RollupRow>, dimension: Dimension, key: string): RollupRow | undefined => rows.get(`${dimension}\u0000${key}`);
