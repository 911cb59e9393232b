import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { HOUR, plural } from '../../insights/catalog/helpers.js';
import { humanAge } from './backup-age.js';
import { healthy, type Part } from './triage-itself-parts.js';

/** A depth reported longer ago than this is history, not the queue's state now. */
const FRESH_FOR_MS = 24 * HOUR;

const Depth = z.object({ queue: z.string(), depth: z.coerce.number(), at: z.coerce.number() });
type Depth = z.infer<typeof Depth>;

/** The latest `queue.depth` of each dead-letter queue (events vocabulary, self-healing signals). */
async function latestDepths(database: Database, now: Date): Promise<Depth[]> {
  const since = new Date(now.getTime() - FRESH_FOR_MS).toISOString();
  const rows = await database.query(sql`
    select distinct on (attributes->>'queue') attributes->>'queue' as queue,
           (attributes->>'depth')::int as depth,
           (extract(epoch from occurred_at) * 1000)::float8 as at
      from events
     where type = 'queue.depth' and attributes->>'kind' = 'dead_letter'
       and occurred_at > ${since}::timestamptz and occurred_at <= ${now.toISOString()}::timestamptz
     order by attributes->>'queue', occurred_at desc, seq desc`);
  return rows.map((r) => Depth.parse(r));
}

/** Dead letters are work that exhausted its retries: any at all means something failed for good. */
export async function deadLetterPart(database: Database, now: Date): Promise<Part> {
  const piled = (await latestDepths(database, now)).filter((d) => d.depth > 0);
  if (!piled.length) return healthy;
  const total = piled.reduce((sum, d) => sum + d.depth, 0);
  const queues = piled.map((d) => d.queue).join(', ');
  return {
    status: 'warning',
    headline: `${plural(total, 'dead letter')}`,
    details: piled.map((d) => `• ${d.queue}: ${plural(d.depth, 'dead letter')} (reported ${humanAge(Math.max(0, now.getTime() - d.at))})`),
    actions: [{ kind: 'dead_letter_growing', text: `Inspect the dead letters (${queues}), fix their shared cause, then replay them`, buttons: [] }],
  };
}
