import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.js';

/** Above this share of max_connections in use, the next pool to grow (or a deploy) may be refused. */
export const CROWDED_RATIO = 0.8;

export type Headroom = { used: number; max: number; percent: number; crowded: boolean };

/** Numbers to words for the report; pure so the threshold can be tested without 80 connections. */
export function headroomOf(used: number, max: number): Headroom {
  const ratio = max > 0 ? used / max : 1;
  return { used, max, percent: Math.round(ratio * 100), crowded: ratio > CROWDED_RATIO };
}

const Row = z.object({ used: z.coerce.number(), max: z.coerce.number() });

/** Every backend counts against max_connections, whoever owns it: other apps sharing the server too. */
export async function connectionHeadroom(database: Database): Promise<Headroom> {
  const [row] = await database.query(
    sql`select (select count(*) from pg_stat_activity)::int as used, current_setting('max_connections')::int as max`,
  );
  const { used, max } = Row.parse(row);
  return headroomOf(used, max);
}
