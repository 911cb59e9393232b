import { and, asc, eq } from 'drizzle-orm';
import { actorLabel } from '../actor.js';
import type { Db } from '../db/client.js';
import { approvals } from '../db/schema/actions.js';
import { Approval, type ApprovalRow } from './model.js';

/** Rows that do not parse are skipped in lists, never shown half-read (one bad row must not hide the rest). */
const parsed = (rows: ApprovalRow[]): Approval[] =>
  rows.flatMap((row) => {
    const result = Approval.safeParse(row);
    return result.success ? [result.data] : [];
  });

/** Everything waiting for a decision, oldest first. */
export async function pendingApprovals(db: Db): Promise<Approval[]> {
  const rows = await db.select().from(approvals).where(eq(approvals.status, 'pending')).orderBy(asc(approvals.createdAt), asc(approvals.id));
  return parsed(rows);
}

/** The approval asked for an insight (one per budget exhaustion), by index approvals_insight_idx. */
export async function approvalForInsight(db: Db, insightId: number): Promise<ApprovalRow | undefined> {
  const [row] = await db.select().from(approvals).where(eq(approvals.insightId, insightId)).limit(1);
  return row;
}

/** The shape Doctor's budget check lists: "override of $5.00 for daily-code-review awaiting approval (requested by Triage)". */
export type PendingBudgetOverride = { routineId: string; amountUsd: number; requestedBy: string };

export async function pendingBudgetOverrides(db: Db): Promise<PendingBudgetOverride[]> {
  const rows = await db
    .select()
    .from(approvals)
    .where(and(eq(approvals.status, 'pending'), eq(approvals.kind, 'budget_override')))
    .orderBy(asc(approvals.createdAt), asc(approvals.id));
  return parsed(rows).flatMap((a) =>
    a.kind === 'budget_override' ? [{ routineId: a.params.routineId, amountUsd: a.params.amountUsd, requestedBy: actorLabel(a.requestedBy) }] : [],
  );
}

/** One approval, to redraw its card after a click; undefined when there is no such id. */
export async function findApproval(db: Db, id: number): Promise<Approval | undefined> {
  if (!Number.isSafeInteger(id) || id < 1) return undefined;
  const [row] = await db.select().from(approvals).where(eq(approvals.id, id));
  return row ? Approval.parse(row) : undefined;
}
