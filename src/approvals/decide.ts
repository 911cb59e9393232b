import { and, eq, ne } from 'drizzle-orm';
import { actorLabel, type Actor } from '../actor.js';
import type { Db } from '../db/client.js';
import { approvals } from '../db/schema/actions.js';
import { err, ok, type Result } from '../result.js';
import { actorKey, parseApproval, type Approval } from './model.js';

export type DecideError =
  | { code: 'not_found' }
  /** The injected authorise said no; its message names the role needed and who holds it. */
  | { code: 'forbidden'; message: string }
  /** Two-person rule: the requester tried to approve their own request. */
  | { code: 'own_request'; requestedBy: string }
  /** Someone decided first: "already approved by Elena at 14:02 UTC". */
  | { code: 'already_decided'; approval: Approval };

export type DecideContext = {
  db: Db;
  authorise: (actor: Actor) => Promise<Result<unknown, { message: string }>>;
  twoPersonRule: boolean;
  /** Carries out an approved request (a budget override: the platform raises the limit and unpauses). */
  execute: (approval: Approval) => Promise<Result<string, string>>;
  now?: () => number;
};

export type DecideInput = { approvalId: number; decision: 'approve' | 'deny'; actor: Actor };

/**
 * Decides an approval exactly once. The decision is one conditional update (`WHERE status =
 * 'pending' RETURNING`): of any number of concurrent Approve and Deny clicks exactly one gets the
 * row back, and only that one, if it approved, runs `execute`. Zero rows back are explained by
 * reading the row: gone, decided by someone else, or the requester's own.
 *
 * The two-person rule applies to approving only: a requester denying their own request withdraws
 * it, which does nothing irreversible.
 */
export async function decideApproval(ctx: DecideContext, input: DecideInput): Promise<Result<Approval, DecideError>> {
  if (!Number.isSafeInteger(input.approvalId) || input.approvalId < 1) return err({ code: 'not_found' });
  const allowed = await ctx.authorise(input.actor);
  if (!allowed.ok) return err({ code: 'forbidden', message: allowed.error.message });
  const key = actorKey(input.actor);
  const guardOwn = ctx.twoPersonRule && input.decision === 'approve';
  const [won] = await ctx.db
    .update(approvals)
    .set({
      status: input.decision === 'approve' ? 'approved' : 'denied',
      decidedBy: input.actor,
      decidedByKey: key,
      decidedAt: new Date(ctx.now?.() ?? Date.now()),
    })
    .where(and(eq(approvals.id, input.approvalId), eq(approvals.status, 'pending'), guardOwn ? ne(approvals.requestedByKey, key) : undefined))
    .returning();
  if (!won) return err(await whyNot(ctx.db, input.approvalId));
  const decided = parseApproval(won);
  return input.decision === 'approve' ? ok(await carryOut(ctx, decided)) : ok(decided);
}

/** Runs the approved action and records how it ended; a throw is a refusal, never a stuck card. */
export async function carryOut(ctx: Pick<DecideContext, 'db' | 'execute'>, approval: Approval): Promise<Approval> {
  let result: Result<string, string>;
  try {
    result = await ctx.execute(approval);
  } catch (error) {
    result = err(error instanceof Error ? error.message : String(error));
  }
  const [row] = await ctx.db
    .update(approvals)
    .set(result.ok ? { outcome: result.value } : { status: 'failed', outcome: result.error })
    .where(eq(approvals.id, approval.id))
    .returning();
  return parseApproval(row!);
}

async function whyNot(db: Db, approvalId: number): Promise<DecideError> {
  const [row] = await db.select().from(approvals).where(eq(approvals.id, approvalId));
  if (!row) return { code: 'not_found' };
  const approval = parseApproval(row);
  // Still pending after a refused update: only the two-person condition can have refused it.
  if (approval.status === 'pending') return { code: 'own_request', requestedBy: actorLabel(approval.requestedBy) };
  return { code: 'already_decided', approval };
}
