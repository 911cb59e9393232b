import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { EVALUATOR_LEASE } from '../insights/evaluator.js';

/**
 * Whether `holder` leads evaluation now, asked of the lease itself on the database's clock: the
 * publisher that runs policies also runs on any replica after a Dismiss, and a policy acts only
 * from the leader's publications (docs/architecture.md, "Remediation policies").
 */
export function leadsEvaluation(database: Pick<Database, 'query'>, holder: string): () => Promise<boolean> {
  return async () => {
    const rows = await database.query(sql`select 1 as held from leases where name = ${EVALUATOR_LEASE} and holder = ${holder} and expires_at > clock_timestamp()`);
    return rows.length === 1;
  };
}
