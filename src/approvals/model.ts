import { z } from 'zod';
import { Actor } from '../actor.js';
import type { approvals } from '../db/schema/actions.js';

/**
 * An irreversible action waiting for someone allowed to decide it. Rows are parsed when read
 * back (docs/architecture.md, conventions §5): `params` is JSON whose shape depends on the kind, and a row written by an
 * older Triage must fail here, not half-render on a card.
 */
export const ApprovalKind = z.enum(['budget_override', 'rollback_workstream', 'force_restart_worker', 'recovery_action']);
export type ApprovalKind = z.infer<typeof ApprovalKind>;

/** 'failed': approved, but the platform refused to carry it out (the reason is in `outcome`). */
export const ApprovalStatus = z.enum(['pending', 'approved', 'denied', 'failed']);
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;

const money = z.number().finite().nonnegative();

/** What the seed's card quotes: the routine's limit and spend when the override was asked for. */
export const BudgetOverrideParams = z.object({
  routineId: z.string().min(1).max(200),
  amountUsd: z.number().finite().positive(),
  limitUsd: money,
  spentUsd: money,
  period: z.enum(['day', 'week', 'month']),
});
export type BudgetOverrideParams = z.infer<typeof BudgetOverrideParams>;

export const RollbackWorkstreamParams = z.object({ workstreamId: z.string().min(1).max(200) });
export type RollbackWorkstreamParams = z.infer<typeof RollbackWorkstreamParams>;

/** A forced restart shuts the worker down without draining and reassigns its tasks. */
export const ForceRestartWorkerParams = z.object({ workerId: z.string().min(1).max(200) });
export type ForceRestartWorkerParams = z.infer<typeof ForceRestartWorkerParams>;

/**
 * Any other approval-gated recovery action (src/auth/requirements.ts, gate 'approval'): which one,
 * and its params. Approving it runs that action (src/actions/recovery/index.ts) on the approval's
 * target under the approval's own Idempotency-Key.
 */
export const RecoveryActionParams = z.object({
  action: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
  params: z.record(z.string(), z.unknown()).default({}),
});
export type RecoveryActionParams = z.infer<typeof RecoveryActionParams>;

const request = {
  targetKind: z.string().min(1).max(40),
  targetId: z.string().min(1).max(200),
  rationale: z.string().min(1).max(2000),
  requestedBy: Actor,
  insightId: z.number().int().optional(),
};

/** What asking for an approval takes; params are checked against the kind. */
export const ApprovalRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('budget_override'), params: BudgetOverrideParams, ...request }),
  z.object({ kind: z.literal('rollback_workstream'), params: RollbackWorkstreamParams, ...request }),
  z.object({ kind: z.literal('force_restart_worker'), params: ForceRestartWorkerParams, ...request }),
  z.object({ kind: z.literal('recovery_action'), params: RecoveryActionParams, ...request }),
]);
export type ApprovalRequest = z.infer<typeof ApprovalRequest>;

const stored = {
  id: z.number().int(),
  targetKind: z.string(),
  targetId: z.string(),
  rationale: z.string(),
  requestedBy: Actor,
  requestedByKey: z.string(),
  status: ApprovalStatus,
  decidedBy: Actor.nullable(),
  decidedByKey: z.string().nullable(),
  decidedAt: z.date().nullable(),
  outcome: z.string().nullable(),
  insightId: z.number().int().nullable(),
  createdAt: z.date(),
};

export const Approval = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('budget_override'), params: BudgetOverrideParams, ...stored }),
  z.object({ kind: z.literal('rollback_workstream'), params: RollbackWorkstreamParams, ...stored }),
  z.object({ kind: z.literal('force_restart_worker'), params: ForceRestartWorkerParams, ...stored }),
  z.object({ kind: z.literal('recovery_action'), params: RecoveryActionParams, ...stored }),
]);
export type Approval = z.infer<typeof Approval>;

export type ApprovalRow = typeof approvals.$inferSelect;

/** Throws on a row that does not parse: that is a bug or a hand edit, never an expected outcome. */
export const parseApproval = (row: ApprovalRow): Approval => Approval.parse(row);

/** What role mapping and the two-person rule compare: 'slack:U0123ABC'. */
export const actorKey = (actor: Actor): string => `${actor.platform}:${actor.userId}`;
