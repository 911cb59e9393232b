import { lt, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../src/db/client.js';
import { slackDeliveries } from '../../src/db/schema/slack.js';

/**
 * Insert-or-skip on slack_deliveries: true only for the first sight of a key, so a redelivered
 * or double-clicked request never reaches the core twice, across restarts and replicas alike.
 */
export type Deliveries = { first(key: string): Promise<boolean> };

const KEEP_MS = 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 10 * 60_000;

type Asked = { key: string; answer(first: boolean): void; fail(error: unknown): void };

/**
 * Every command and click asks once, and under load the post-ack queue starts them in bursts:
 * the asks of one turn of the event loop share one statement (one round trip, one commit)
 * instead of one each. The keys travel as one JSON parameter, so the SQL text never changes and
 * the driver reuses its prepared statement. A key asked twice in one batch is first only once.
 */
export function createDeliveries(database: Database, logger: Logger, now: () => number = Date.now): Deliveries {
  let lastPrune = 0;
  let batch: Asked[] = [];
  const prune = () => {
    lastPrune = now();
    database.db
      .delete(slackDeliveries)
      .where(lt(slackDeliveries.createdAt, new Date(now() - KEEP_MS)))
      .then(
        () => undefined,
        (error: unknown) => logger.warn({ err: error }, 'could not prune slack_deliveries; will try again later'),
      );
  };
  const flush = async () => {
    const asked = batch;
    batch = [];
    try {
      const keys = [...new Set(asked.map((a) => a.key))];
      const rows = await database.query<{ key: string }>(sql`
        insert into slack_deliveries (key)
        select value from jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb)
        on conflict do nothing
        returning key`);
      const fresh = new Set(rows.map((r) => r.key));
      for (const a of asked) {
        a.answer(fresh.has(a.key));
        fresh.delete(a.key);
      }
    } catch (error) {
      for (const a of asked) a.fail(error);
    }
  };
  return {
    first: (key) => {
      // Pruning rides on traffic: no timer to stop, and an idle install has nothing to prune.
      if (now() - lastPrune > PRUNE_EVERY_MS) prune();
      return new Promise<boolean>((answer, fail) => {
        batch.push({ key, answer, fail });
        if (batch.length === 1) setImmediate(() => void flush());
      });
    },
  };
}
