import { and, asc, eq, gte } from 'drizzle-orm';
import type { Q } from '../chat/outbox/model.js';
import { ActionRequest } from '../actions/request-store.js';
import { actionRequests } from '../db/schema/actions.js';

export type Target = { kind: string; id: string };

/**
 * Every request of one action on one target since `since`, oldest first, whoever asked for it:
 * the rows are the count, so a restart of Triage or a new leader counts what was done before it,
 * and a person's press counts as much as a policy's run. Requests are few (people and policies
 * make them), so the range on action_requests_created_idx is cheap without an index of its own.
 */
export async function runsSince(q: Q, action: string, target: Target, since: Date): Promise<ActionRequest[]> {
  const rows = await q
    .select()
    .from(actionRequests)
    .where(and(gte(actionRequests.createdAt, since), eq(actionRequests.action, action), eq(actionRequests.targetKind, target.kind), eq(actionRequests.targetId, target.id)))
    .orderBy(asc(actionRequests.createdAt), asc(actionRequests.id));
  return rows.map((r) => ActionRequest.parse(r));
}

/** The request claimed under `key`, if any: a policy's run for one insight episode is claimed under one key. */
export async function requestByKey(q: Q, key: string): Promise<ActionRequest | undefined> {
  const [row] = await q.select().from(actionRequests).where(eq(actionRequests.idempotencyKey, key));
  return row ? ActionRequest.parse(row) : undefined;
}
