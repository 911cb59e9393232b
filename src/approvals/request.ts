import { and, eq } from 'drizzle-orm';
import { systemActor, type Actor } from '../actor.js';
import type { Db } from '../db/client.js';
import { approvals } from '../db/schema/actions.js';
import type { Routine } from '../platform/port.js';
import { err, ok, type Result } from '../result.js';
import { actorKey, ApprovalRequest, parseApproval, type Approval } from './model.js';

export { rationaleFromEvents } from './rationale.js';

export type RequestApprovalError = { code: 'already_pending'; approval: Approval };

/*
 * The pending row can be decided between our refused insert and our read of it; then the target
 * is free again and the insert is worth another try. Two tries are plenty: a third would need a
 * second request to be created and decided inside that same gap.
 */
const ATTEMPTS = 3;

/**
 * Asks for an approval. At most one is pending per kind and target (the partial unique index
 * approvals_pending_uq): the insert does nothing on a conflict, and the pending one is read
 * back, so any number of concurrent requests (a redelivered event, two people typing /budget)
 * leave one row and every caller learns which.
 */
export async function requestApproval(
  ctx: { db: Db; now?: () => number },
  input: ApprovalRequest,
): Promise<Result<Approval, RequestApprovalError>> {
  // Built by our own code: params that do not fit the kind are a bug, so this throws.
  const request = ApprovalRequest.parse(input);
  const createdAt = new Date(ctx.now?.() ?? Date.now());
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const [inserted] = await ctx.db
      .insert(approvals)
      .values({
        kind: request.kind,
        targetKind: request.targetKind,
        targetId: request.targetId,
        params: request.params,
        rationale: request.rationale,
        requestedBy: request.requestedBy,
        requestedByKey: actorKey(request.requestedBy),
        status: 'pending',
        insightId: request.insightId ?? null,
        createdAt,
      })
      .onConflictDoNothing()
      .returning();
    if (inserted) return ok(parseApproval(inserted));
    const [pending] = await ctx.db
      .select()
      .from(approvals)
      .where(
        and(
          eq(approvals.kind, request.kind),
          eq(approvals.targetKind, request.targetKind),
          eq(approvals.targetId, request.targetId),
          eq(approvals.status, 'pending'),
        ),
      );
    if (pending) return err({ code: 'already_pending', approval: parseApproval(pending) });
  }
  throw new Error(`approval for ${request.kind} ${request.targetKind}:${request.targetId} neither inserted nor found pending`);
}

/**
 * The budget_override request for a routine as the platform reports it now: the card quotes the
 * limit and spend of this moment, not whatever they are when someone decides.
 */
export function budgetApprovalFor(routine: Routine, overrideUsd: number, rationale: string, requestedBy: Actor = systemActor): ApprovalRequest {
  return {
    kind: 'budget_override',
    targetKind: 'routine',
    targetId: routine.id,
    params: {
      routineId: routine.id,
      amountUsd: overrideUsd,
      limitUsd: routine.budgetLimitUsd,
      spentUsd: routine.budgetSpentUsd,
      period: routine.budgetPeriod,
    },
    rationale,
    requestedBy,
  };
}
