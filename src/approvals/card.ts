import { actorLabel } from '../actor.js';
import { approvalWords, type ApprovalGist } from '../audit/words.js';
import { buildActionId } from '../chat/action-id.js';
import type { Card, CardAction, CardField, CardState, Severity } from '../chat/card.js';
import { percent, ratio, usd } from '../insights/catalog/helpers.js';
import type { DecideError } from './decide.js';
import type { Approval, ApprovalKind, ApprovalStatus, BudgetOverrideParams } from './model.js';
import { utcClock } from '../clock.js';
import { actionWords } from '../actions/action-card.js';

export const APPROVAL_SUBJECT = 'approval';
export const VIEW_LOGS_ACTION = 'view_logs';

/** The button actions per kind; the click router reads them back with approvalDecisionOf. */
export const APPROVAL_ACTIONS: Record<ApprovalKind, { approve: string; deny: string }> = {
  budget_override: { approve: 'approve_budget_override', deny: 'deny_budget_override' },
  rollback_workstream: { approve: 'approve_rollback_workstream', deny: 'deny_rollback_workstream' },
  force_restart_worker: { approve: 'approve_force_restart_worker', deny: 'deny_force_restart_worker' },
  recovery_action: { approve: 'approve_action', deny: 'deny_action' },
};

/** 'approve' or 'deny' for an approval button's action, undefined for any other action. */
export function approvalDecisionOf(action: string): 'approve' | 'deny' | undefined {
  for (const pair of Object.values(APPROVAL_ACTIONS)) {
    if (pair.approve === action) return 'approve';
    if (pair.deny === action) return 'deny';
  }
  return undefined;
}

// A failed approval looks denied (nothing changed), with the platform's reason in the context.
const STATE: Record<ApprovalStatus, CardState> = { pending: 'pending', approved: 'approved', denied: 'denied', failed: 'denied' };
const SEVERITY: Record<ApprovalStatus, Severity> = { pending: 'warning', approved: 'info', denied: 'info', failed: 'critical' };
const PERIOD = { day: 'per day', week: 'per week', month: 'per month' } as const;

const clock = utcClock;

/**
 * Who decided, when, and how it ended, in one line: the card's context after a decision and the
 * answer to everyone who clicked too late ("approved by Elena at 14:02 UTC · new limit $15.00").
 */
export function decisionLine(approval: Approval): string {
  const by = approval.decidedBy ? actorLabel(approval.decidedBy) : 'someone';
  const at = approval.decidedAt ? ` at ${clock(approval.decidedAt)}` : '';
  switch (approval.status) {
    case 'pending':
      return `Requested by ${actorLabel(approval.requestedBy)} at ${clock(approval.createdAt)} · waiting for an approver`;
    case 'denied':
      return `Denied by ${by}${at}`;
    case 'failed':
      return `Approved by ${by}${at}, but the platform refused: ${approval.outcome ?? 'no reason given'}`;
    case 'approved':
      return `Approved by ${by}${at} · ${approval.outcome ?? 'carrying it out…'}`;
  }
}

function budgetFields(p: BudgetOverrideParams, rationale: string): CardField[] {
  const used = ratio(p.spentUsd, p.limitUsd);
  return [
    { label: 'Routine', value: p.routineId },
    { label: 'Scope', value: `Routine budget, ${PERIOD[p.period]}` },
    { label: 'Limit', value: usd(p.limitUsd) },
    { label: 'Spent', value: used === undefined ? usd(p.spentUsd) : `${usd(p.spentUsd)} (${percent(used)} of limit)` },
    { label: 'Requested override', value: `+${usd(p.amountUsd)}` },
    { label: 'Rationale', value: rationale },
  ];
}

/** What each kind says: title, fields, and what Approve and Deny will do. */
function describe(approval: Approval): { title: string; fields: CardField[]; effect: string; denied: string } {
  switch (approval.kind) {
    case 'budget_override':
      return {
        title: `Budget override: ${approval.params.routineId}`,
        fields: budgetFields(approval.params, approval.rationale),
        effect: `Approve raises the limit by ${usd(approval.params.amountUsd)} and unpauses the routine; Deny leaves it paused.`,
        denied: 'The routine stays paused.',
      };
    case 'rollback_workstream':
      return {
        title: `Rollback workstream: ${approval.params.workstreamId}`,
        fields: [
          { label: 'Workstream', value: approval.params.workstreamId },
          { label: 'Rationale', value: approval.rationale },
        ],
        effect: 'Approve rolls the workstream back; this cannot be undone. Deny leaves it as it is.',
        denied: 'The workstream was left as it is.',
      };
    case 'force_restart_worker':
      return {
        title: `Force restart worker: ${approval.params.workerId}`,
        fields: [
          { label: 'Worker', value: approval.params.workerId },
          { label: 'Rationale', value: approval.rationale },
        ],
        effect: 'Approve shuts the worker down without draining and reassigns its tasks; Deny leaves it running.',
        denied: 'The worker was left running.',
      };
    case 'recovery_action': {
      const what = approvalInWords(approval).replace(/^a request to /, '');
      return {
        title: `${actionWords(approval.params.action)}: ${approval.targetId}`,
        fields: [
          { label: 'Target', value: `${approval.targetKind.replace(/_/g, ' ')} ${approval.targetId}` },
          { label: 'Rationale', value: approval.rationale },
        ],
        effect: `Approve asks the platform to ${what}; Deny leaves it as it is.`,
        denied: 'Nothing was changed.',
      };
    }
  }
}

/**
 * What is asked, in the words of a sentence ("a +$5.00 budget override for routine
 * daily-code-review"): the same words as /audit's (src/audit/words.ts), so the card and the
 * record never word one request two ways.
 */
export const approvalInWords = (approval: Approval): string =>
  // Each kind's params are a superset of the gist's, kind by kind (src/approvals/model.ts).
  approvalWords({ kind: approval.kind, params: approval.params } as ApprovalGist, `${approval.targetKind}:${approval.targetId}`);

/**
 * The request and its decision as one sentence, for the card it was asked from: "✅ Elena approved
 * a +$5.00 budget override for routine daily-code-review at 14:02 UTC: new limit $15.00 · routine
 * unpaused (approval #1)".
 */
export function approvalActLine(approval: Approval): string {
  const what = approvalInWords(approval);
  const by = approval.decidedBy ? actorLabel(approval.decidedBy) : 'Someone';
  const at = approval.decidedAt ? ` at ${clock(approval.decidedAt)}` : '';
  const ref = ` (approval #${approval.id})`;
  switch (approval.status) {
    case 'pending':
      return `🕒 ${what.charAt(0).toUpperCase()}${what.slice(1)}, asked for by ${actorLabel(approval.requestedBy)} at ${clock(approval.createdAt)}, is waiting for an approver${ref}.`;
    case 'approved':
      return approval.outcome === null ? `⏳ ${by} approved ${what}${at}: carrying it out…${ref}` : `✅ ${by} approved ${what}${at}: ${approval.outcome}${ref}.`;
    case 'denied':
      return `⛔ ${by} denied ${what}${at}: ${describe(approval).denied.replace(/^./, (c) => c.toLowerCase())}${ref}`;
    case 'failed':
      return `❌ ${by} approved ${what}${at}, but the platform refused: ${approval.outcome ?? 'no reason given'}. Nothing changed${ref}.`;
  }
}

/** Approve, Deny and View logs naming this approval, while it waits; none once decided. */
export function approvalButtons(approval: Approval): CardAction[] {
  if (approval.status !== 'pending') return [];
  const subject = { kind: APPROVAL_SUBJECT, id: String(approval.id) };
  const target = { kind: approval.targetKind, id: approval.targetId };
  const pair = APPROVAL_ACTIONS[approval.kind];
  return [
    { id: buildActionId({ action: pair.approve, subject, target }), label: 'Approve', style: 'primary' },
    { id: buildActionId({ action: pair.deny, subject, target }), label: 'Deny', style: 'danger' },
    { id: buildActionId({ action: VIEW_LOGS_ACTION, subject, target }), label: 'View logs', style: 'default' },
  ];
}

const TEXT: Record<ApprovalStatus, (d: ReturnType<typeof describe>) => string> = {
  pending: (d) => d.effect,
  approved: () => '✅ Approved.',
  denied: (d) => `⛔ Denied. ${d.denied}`,
  failed: () => '❌ Approved, but not carried out: nothing changed.',
};

/**
 * The approval card in the seed's words. Buttons only while pending, so nobody approves from a
 * stale card; after the decision the context says who decided, when, and the platform's answer.
 */
export function approvalCard(approval: Approval): Card {
  const d = describe(approval);
  return {
    title: d.title,
    severity: SEVERITY[approval.status],
    category: 'governance',
    state: STATE[approval.status],
    text: TEXT[approval.status](d),
    fields: d.fields,
    entities: [{ kind: approval.targetKind, id: approval.targetId }],
    actions: approvalButtons(approval),
    context: `${decisionLine(approval)} · approval #${approval.id}`,
  };
}

/** The words for each refused decision, in one place; adapters show them privately. */
export function approvalReply(error: DecideError): string {
  switch (error.code) {
    case 'not_found':
      return 'That approval request no longer exists, so nothing was done.';
    case 'forbidden':
      return error.message;
    case 'own_request':
      return `You (${error.requestedBy}) asked for this yourself, and the two-person rule needs a different approver to approve it. Nothing was done; ask another approver.`;
    case 'already_decided': {
      const line = decisionLine(error.approval);
      return `Already ${line.charAt(0).toLowerCase()}${line.slice(1)}. Your click changed nothing.`;
    }
  }
}
