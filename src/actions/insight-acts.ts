import { and, desc, eq, gte, inArray } from 'drizzle-orm';
import { insightHistory } from '../db/schema/insights.js';
import { actorLabel } from '../actor.js';
import { APPROVAL_ACTIONS, approvalActLine, approvalButtons } from '../approvals/card.js';
import { Approval } from '../approvals/model.js';
import { buildActionId } from '../chat/action-id.js';
import type { Db } from '../db/client.js';
import { actionRequests, approvals } from '../db/schema/actions.js';
import type { CardAct } from '../insights/card.js';
import { utcClock } from '../clock.js';
import { actionWords, plainOutcome, RETRY_SUBJECT } from './action-card.js';
import { findRecoveryAction } from './recovery/index.js';
import { ActionRequest } from './request-store.js';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Every approve/deny action of the catalog: once a request is decided none is offered again. */
const DECISION_ACTIONS = Object.values(APPROVAL_ACTIONS).flatMap((pair) => [pair.approve, pair.deny]);

/**
 * What people did from an insight's card, as the card shows it: the approval asked for it (a budget
 * override, a forced restart) and the latest recovery action pressed on it. Read when the card is
 * drawn, so every surface that draws it (Slack, Discord, the console) shows the same decision and
 * the same buttons, whichever replica or card the click came through. docs/architecture.md,
 * "The pressed card tells the truth".
 */
export async function actsOnInsight(q: Db | Tx, insightId: number): Promise<CardAct[]> {
  // A kind raised again after it cleared is a new episode and a new card: what was done on the
  // previous card (a decided approval, a finished restart) belongs to that card, not this one.
  const [episode] = await q
    .select({ at: insightHistory.at })
    .from(insightHistory)
    .where(and(eq(insightHistory.insightId, insightId), inArray(insightHistory.change, ['opened', 'reopened'])))
    .orderBy(desc(insightHistory.id))
    .limit(1);
  const since = episode?.at ?? new Date(0);
  const [approvalRow] = await q
    .select()
    .from(approvals)
    .where(and(eq(approvals.insightId, insightId), gte(approvals.createdAt, since)))
    .orderBy(desc(approvals.id))
    .limit(1);
  const [requestRow] = await q
    .select()
    .from(actionRequests)
    .where(and(eq(actionRequests.subject, `insight:${insightId}`), gte(actionRequests.createdAt, since)))
    .orderBy(desc(actionRequests.createdAt), desc(actionRequests.id))
    .limit(1);
  const approval = approvalRow ? Approval.safeParse(approvalRow) : undefined;
  const request = requestRow ? ActionRequest.safeParse(requestRow) : undefined;
  return [...(approval?.success ? [approvalAct(approval.data)] : []), ...(request?.success ? [requestAct(request.data)] : [])];
}

/** The approval on the card it was asked from: its own Approve and Deny while pending, its decision after. */
export function approvalAct(approval: Approval): CardAct {
  // The catalog's own decision buttons (and the gated action that asked for it) give way to the
  // request's: those name this approval, so a click decides exactly it.
  const asked = approval.kind === 'recovery_action' ? approval.params.action : approval.kind;
  // Denied, or approved and refused by the platform: nothing changed, so it may be asked for again.
  const settled = approval.status === 'denied' || approval.status === 'failed';
  return { line: approvalActLine(approval), hide: settled ? DECISION_ACTIONS : [...DECISION_ACTIONS, asked], add: approvalButtons(approval) };
}

/** A recovery action pressed on the card: running (its button gone), done, or failed with Retry. */
export function requestAct(request: ActionRequest): CardAct {
  const who = `${actorLabel(request.actor)} at ${utcClock(request.createdAt)}`;
  const what = `${actionWords(request.action)} ${request.targetId}`;
  if (request.status === 'running') {
    const progress = findRecoveryAction(request.action)?.progress ?? 'working on it…';
    return { line: `⏳ ${what}, pressed by ${who}: ${progress}`, hide: [request.action], add: [] };
  }
  const took = request.finishedAt ? ` · took ${((request.finishedAt.getTime() - request.createdAt.getTime()) / 1000).toFixed(1)} s` : '';
  const outcome = plainOutcome(request.outcome);
  if (request.status === 'succeeded') return { line: `✅ ${what} by ${who}: ${outcome ?? 'done'}${took}`, hide: [], add: [] };
  const failed = `❌ ${what} by ${who} failed: ${outcome ?? 'no reason given'}${took}`;
  // A target that does not exist, or bad input, fails the same way again: no Retry for those.
  if (request.retryable === false) return { line: failed, hide: [], add: [] };
  const retry = {
    // The request, not the insight: Retry after an unknown outcome reuses its Idempotency-Key.
    id: buildActionId({ action: request.action, subject: { kind: RETRY_SUBJECT, id: String(request.id) }, target: { kind: request.targetKind, id: request.targetId } }),
    label: 'Retry',
    style: 'primary' as const,
  };
  return { line: failed, hide: [request.action], add: [retry] };
}
