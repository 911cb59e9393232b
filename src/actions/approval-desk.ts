import { and, desc, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { actorLabel, systemActor, type Actor } from '../actor.js';
import { approvalCard, approvalDecisionOf, approvalReply } from '../approvals/card.js';
import { decideApproval } from '../approvals/decide.js';
import { resumeInterrupted as resumeApprovals } from '../approvals/resume.js';
import { executeApproval, type ApprovalPlatform, type ApprovalRecovery } from '../approvals/execute.js';
import { approvalForInsight, findApproval } from '../approvals/list.js';
import type { Approval, ApprovalRequest } from '../approvals/model.js';
import { budgetApprovalFor, rationaleFromEvents, requestApproval } from '../approvals/request.js';
import { recordAudit } from '../audit/log.js';
import type { Authoriser } from '../auth/authoriser.js';
import { actionInWords, approvalReason, gateOf } from '../auth/requirements.js';
import { findRecoveryAction } from './recovery/index.js';
import { privately, type InteractionReply, type MessageRef } from '../chat/interactions.js';
import type { ApprovalsConfig } from '../config.js';
import type { Db } from '../db/client.js';
import { approvals } from '../db/schema/actions.js';
import { latestEventsOfRoutine } from '../events/by-routine.js';
import type { Insight } from '../insights/insight.js';
import type { Platform } from '../platform/port.js';
import { err, ok, type Result } from '../result.js';
import type { CardSink } from './card-sink.js';

export type ApprovalDeskDeps = {
  db: Db;
  authoriser: Pick<Authoriser, 'authorise'>;
  twoPersonRule: boolean;
  platform: ApprovalPlatform & Pick<Platform, 'listRoutines' | 'listWorkstreams'>;
  config: ApprovalsConfig;
  showCard: CardSink;
  /** Redraws the insight card an approval was asked from: it carries the request and its decision. */
  showInsight: (insightId: number) => Promise<void>;
  /** The logical channel approval cards go to. */
  channel: string;
  logger: Pick<Logger, 'error' | 'warn' | 'info'>;
  /** What approved recovery actions run with: the recovery buttons' own deps (src/actions/setup.ts). */
  recovery?: ApprovalRecovery;
  /** Told when an approval is decided (the incident thread mirrors it). */
  onDecided?: (approval: Approval) => Promise<void>;
  now?: () => number;
};


/**
 * The approval gate from chat: budget overrides asked for automatically or by /budget, the
 * irreversible catalog actions asked for by their buttons, and the decisions on them.
 */
export function createApprovalDesk(deps: ApprovalDeskDeps) {
  // One request, one card: an approval asked from an insight's card lives on that card (its
  // Approve and Deny, then its decision); only one asked by /budget gets a card of its own.
  const show = (approval: Approval) =>
    approval.insightId !== null ? deps.showInsight(approval.insightId) : deps.showCard({ cardKey: `approval:${approval.id}`, channel: deps.channel }, approvalCard(approval));
  const ctx = { db: deps.db, ...(deps.now ? { now: deps.now } : {}) };

  async function decide(input: { action: string; approvalId: number; actor: Actor; message: MessageRef }): Promise<InteractionReply> {
    const decision = approvalDecisionOf(input.action)!;
    const decided = await decideApproval(
      {
        db: deps.db,
        authorise: async (actor) => deps.authoriser.authorise(actor, 'approver'),
        twoPersonRule: deps.twoPersonRule,
        execute: executeApproval(deps.platform, deps.recovery),
        ...(deps.now ? { now: deps.now } : {}),
      },
      { approvalId: input.approvalId, decision, actor: input.actor },
    );
    const target = `approval:${input.approvalId}`;
    if (!decided.ok) {
      const text = decided.error.code === 'forbidden' ? `${actionInWords(input.action)} ${decided.error.message}` : approvalReply(decided.error);
      await recordAudit(deps.db, { actor: input.actor, action: input.action, target, outcome: 'refused', detail: text, sourceMessage: input.message });
      return privately(text);
    }
    const approval = decided.value;
    await recordAudit(deps.db, {
      actor: input.actor,
      action: input.action,
      target,
      outcome: approval.status === 'denied' ? 'denied' : approval.status === 'approved' ? 'approved' : 'failed',
      detail: approval.outcome ?? undefined,
      sourceMessage: input.message,
    });
    await show(approval);
    await deps.onDecided?.(approval).catch((error: unknown) => deps.logger.warn({ err: error, approval: approval.id }, 'could not mirror the decision'));
    if (approval.status === 'failed') return privately(`You approved it, but the platform refused: ${approval.outcome}. The card says so; nothing changed.`);
    return privately(`${approval.status === 'approved' ? 'Approved' : 'Denied'}${approval.outcome ? `: ${approval.outcome}` : ''}. The card shows your decision to everyone.`);
  }

  /** Approve or Deny pressed on the insight card: the pending approval for that routine. */
  async function decideForTarget(input: { action: string; target: { kind: string; id: string }; actor: Actor; message: MessageRef }): Promise<InteractionReply> {
    const [pending] = await deps.db
      .select({ id: approvals.id })
      .from(approvals)
      .where(and(eq(approvals.targetKind, input.target.kind), eq(approvals.targetId, input.target.id), eq(approvals.status, 'pending')))
      .orderBy(desc(approvals.id))
      .limit(1);
    if (pending) return decide({ action: input.action, approvalId: pending.id, actor: input.actor, message: input.message });
    const [latest] = await deps.db
      .select({ id: approvals.id })
      .from(approvals)
      .where(and(eq(approvals.targetKind, input.target.kind), eq(approvals.targetId, input.target.id)))
      .orderBy(desc(approvals.id))
      .limit(1);
    // Decided already: the same "already approved by X" answer as on the approval card.
    if (latest) return decide({ action: input.action, approvalId: latest.id, actor: input.actor, message: input.message });
    return privately(`Nothing is waiting for a decision on ${input.target.id}. Nothing was done.`);
  }

  /**
   * An approval-gated action's button (src/auth/requirements.ts, gate 'approval'): asks for an
   * approval instead of acting. A responder may ask; only an approver's Approve carries it out.
   */
  async function requestGated(input: { action: string; target: { kind: string; id: string }; insightId?: number; actor: Actor; message: MessageRef }): Promise<InteractionReply> {
    const request = gatedRequest(input.action, input.target);
    const target = `${input.target.kind}:${input.target.id}`;
    if (!request.ok) {
      await recordAudit(deps.db, { actor: input.actor, action: input.action, target, outcome: 'refused', detail: request.error, sourceMessage: input.message });
      return privately(request.error);
    }
    const allowed = await deps.authoriser.authorise(input.actor, 'responder');
    if (!allowed.ok) {
      const text = `Asking for this ${allowed.error.message}`;
      await recordAudit(deps.db, { actor: input.actor, action: input.action, target, outcome: 'refused', detail: text, sourceMessage: input.message });
      return privately(text);
    }
    const asked = await requestApproval(ctx, {
      ...request.value,
      rationale: `asked for by ${actorLabel(input.actor)} from chat`,
      requestedBy: input.actor,
      ...(input.insightId !== undefined ? { insightId: input.insightId } : {}),
    });
    if (!asked.ok) return privately(`An approval for this is already pending (#${asked.error.approval.id}, asked by ${actorLabel(asked.error.approval.requestedBy)}).`);
    await recordAudit(deps.db, { actor: input.actor, action: input.action, target, outcome: 'requested', detail: `approval #${asked.value.id}`, sourceMessage: input.message });
    await show(asked.value);
    const where = input.insightId !== undefined ? 'the card you pressed shows it, with Approve and Deny for an approver' : `it is posted in #${deps.channel}`;
    return privately(`${actionInWords(input.action)} ${approvalReason(input.action)}, so it needs an approver: approval #${asked.value.id}; ${where}.`);
  }

  /** `/budget request`: the routine must exist; the card goes to the approvers' channel. */
  async function requestBudget(input: { routineId: string; amountUsd: number; reason: string; actor: Actor }): Promise<Result<{ approvalId: number; channel: string }, { message: string }>> {
    const routines = await deps.platform.listRoutines();
    if (!routines.ok) return err({ message: `Triage could not read the routines from the platform (${routines.error.message}); try again in a moment.` });
    const routine = routines.value.find((r) => r.id === input.routineId);
    if (!routine) return err({ message: `There is no routine "${input.routineId}". Routines: ${routines.value.map((r) => r.id).join(', ') || 'none'}.` });
    const asked = await requestApproval(ctx, budgetApprovalFor(routine, input.amountUsd, input.reason, input.actor));
    if (!asked.ok) return err({ message: `A budget override for ${routine.id} is already waiting for a decision (#${asked.error.approval.id}); decide that one first.` });
    await recordAudit(deps.db, { actor: input.actor, action: 'request_budget_override', target: `routine:${routine.id}`, outcome: 'requested', detail: `+$${input.amountUsd.toFixed(2)}: ${input.reason}` });
    await show(asked.value);
    return ok({ approvalId: asked.value.id, channel: deps.channel });
  }

  /**
   * When a routine exhausts its budget, one approval card per insight, asked for by Triage. While
   * it waits, the card follows the spend (the insight changes as runs keep failing), so whoever
   * decides sees today's numbers, not those of the first detection.
   */
  async function fromInsights(insights: Insight[]): Promise<void> {
    for (const insight of insights) {
      if (insight.kind !== 'routine_budget_exhausted' || insight.status !== 'open') continue;
      const routineId = insight.detection.entities.find((e) => e.kind === 'routine')?.id;
      const routines = await deps.platform.listRoutines();
      const routine = routines.ok ? routines.value.find((r) => r.id === routineId) : undefined;
      if (!routine) continue;
      const seen = await approvalForInsight(deps.db, insight.id);
      if (seen) {
        await refreshPending(seen.id, routine);
        continue;
      }
      const rationale = await rationaleFromEvents(ctx, routine.id);
      const asked = await requestApproval(ctx, { ...budgetApprovalFor(routine, deps.config.budgetOverrideUsd, rationale, systemActor), insightId: insight.id });
      if (asked.ok) await show(asked.value);
    }
  }

  async function refreshPending(approvalId: number, routine: { budgetLimitUsd: number; budgetSpentUsd: number }): Promise<void> {
    const [row] = await deps.db
      .update(approvals)
      .set({ params: sql`${approvals.params} || ${JSON.stringify({ limitUsd: routine.budgetLimitUsd, spentUsd: routine.budgetSpentUsd })}::jsonb` })
      .where(and(eq(approvals.id, approvalId), eq(approvals.status, 'pending')))
      .returning({ id: approvals.id });
    if (!row) return;
    const approval = await findApproval(deps.db, approvalId);
    if (approval) await show(approval);
  }

  /** View logs: the routine's latest runs, privately. */
  async function viewLogs(approvalId: number): Promise<InteractionReply> {
    const approval = await findApproval(deps.db, approvalId);
    if (!approval) return privately(`Approval #${approvalId} is not on record.`);
    const rows = await latestEventsOfRoutine(deps.db, approval.targetId, 10);
    if (rows.length === 0) return privately(`No events from ${approval.targetId} are on record.`);
    const lines = rows.map((r) => `${r.occurredAt.toISOString().slice(11, 19)} UTC ${r.type} ${JSON.stringify(r.attributes).slice(0, 160)}`);
    return privately([`Latest events of ${approval.targetId}:`, '```', ...lines, '```'].join('\n'));
  }

  /**
   * Approvals decided but not carried out because a replica died in between (src/approvals/resume.ts):
   * finished once, audited as Triage's, and their cards updated. Run by a scheduled job.
   */
  async function resumeInterrupted(): Promise<number> {
    const resumed = await resumeApprovals({ db: deps.db, platform: deps.platform, execute: executeApproval(deps.platform, deps.recovery), now: deps.now ?? Date.now });
    for (const { approval, how } of resumed) {
      if (approval.outcome === null) continue;
      deps.logger.warn({ approval: approval.id, how }, 'finished an approval a replica had decided but not carried out');
      await recordAudit(deps.db, {
        actor: systemActor,
        action: `resume_${approval.kind}`,
        target: `approval:${approval.id}`,
        outcome: approval.status === 'failed' ? 'failed' : 'succeeded',
        detail: approval.outcome,
      });
      await show(approval);
      await deps.onDecided?.(approval).catch((error: unknown) => deps.logger.warn({ err: error, approval: approval.id }, 'could not mirror the decision'));
    }
    return resumed.length;
  }

  return { decide, decideForTarget, requestGated, requestBudget, fromInsights, viewLogs, show, resumeInterrupted };
}
export type ApprovalDesk = ReturnType<typeof createApprovalDesk>;

/** What a gated request is about, kind by kind (Pick over a union would merge the kinds' params). */
type DistributivePick<T> = T extends unknown ? Pick<T, Extract<keyof T, 'kind' | 'targetKind' | 'targetId' | 'params'>> : never;

/**
 * What approving a gated button asks for: the two actions with approval kinds of their own (their
 * rows predate the generic one and stay readable), or any other approval-gated recovery action.
 * The button's target must be what the action acts on.
 */
function gatedRequest(action: string, target: { kind: string; id: string }): Result<DistributivePick<ApprovalRequest>, string> {
  const mismatch = (kind: string) => err(`That button names a ${target.kind.replace(/_/g, ' ')}, but ${actionInWords(action).toLowerCase()} acts on a ${kind.replace(/_/g, ' ')}. Nothing was done.`);
  if (action === 'force_restart_worker') return target.kind === 'worker' ? ok({ kind: 'force_restart_worker', targetKind: 'worker', targetId: target.id, params: { workerId: target.id } }) : mismatch('worker');
  if (action === 'rollback_workstream') return target.kind === 'workstream' ? ok({ kind: 'rollback_workstream', targetKind: 'workstream', targetId: target.id, params: { workstreamId: target.id } }) : mismatch('workstream');
  const recovery = findRecoveryAction(action);
  if (!recovery || gateOf(action) !== 'approval') return err(`"${action.replace(/_/g, ' ')}" does not go through an approval in this version of Triage. Nothing was done.`);
  if (recovery.targetKind !== target.kind) return mismatch(recovery.targetKind);
  return ok({ kind: 'recovery_action', targetKind: target.kind, targetId: target.id, params: { action, params: {} } });
}
