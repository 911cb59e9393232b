import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import type { EventWriter } from '../intake/event-writer.js';
import { err, ok, type Result } from '../result.js';

export type AlertResolver = {
  /** Resolves the alert of card scope `origin/key` in Triage; `requestKey` makes a repeat a duplicate. */
  resolve(scope: string, requestKey: string): Promise<Result<void, string>>;
};

/**
 * Resolving from the card writes the alert.resolved event the sender would have sent, so every
 * reader (the board, the evaluation, an incident holding the card) clears the one usual way. Its
 * time is after the state it resolves even when the sender's clock runs ahead of ours: the board
 * keeps the newest state by the sender's time.
 */
export function createAlertResolver(database: Database, writer: EventWriter, now: () => number = Date.now): AlertResolver {
  return {
    async resolve(scope, requestKey) {
      // Origins have no "/" (src/alerts/model.ts); keys may.
      const cut = scope.indexOf('/');
      if (cut < 1) return err(`"${scope}" does not name an external alert.`);
      const origin = scope.slice(0, cut);
      const key = scope.slice(cut + 1);
      const [row] = await database.query<{ status: string; updated_at: string | Date }>(
        sql`select status, updated_at from alert_states where origin = ${origin} and key = ${key}`,
      );
      if (!row) return err('Triage has no record of that alert any more.');
      if (row.status === 'resolved') return err('That alert is already resolved.');
      const after = new Date(row.updated_at).getTime() + 1;
      await writer.write([
        {
          id: `triage-resolve:${requestKey}`,
          type: 'alert.resolved',
          source: 'triage',
          occurredAt: new Date(Math.max(now(), after)).toISOString(),
          attributes: { origin, key, by: 'Triage' },
          known: true,
        },
      ]);
      return ok(undefined);
    },
  };
}
