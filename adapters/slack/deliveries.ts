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

export function createDeliveries(database: Database, logger: Logger, now: () => number = Date.now): Deliveries {
  let lastPrune = 0;
  // Built once: every command and click runs this, and drizzle rebuilds a query's SQL per call.
  const insert = database.db
    .insert(slackDeliveries)
    .values({ key: sql.placeholder('key') })
    .onConflictDoNothing()
    .returning({ key: slackDeliveries.key })
    .prepare('slack_delivery_first');
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
  return {
    first: async (key) => {
      // Pruning rides on traffic: no timer to stop, and an idle install has nothing to prune.
      if (now() - lastPrune > PRUNE_EVERY_MS) prune();
      const inserted = await insert.execute({ key });
      return inserted.length === 1;
    },
  };
}
