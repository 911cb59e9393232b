import { actorLabel } from '../actor.js';
import { buildActionId } from '../chat/action-id.js';
import type { Card } from '../chat/card.js';
import type { ActionRequest } from './request-store.js';
import { utcClock } from '../clock.js';

/** A Retry button's subject: the request it retries (src/actions/run-recovery.ts reads it). */
export const RETRY_SUBJECT = 'request';

/** 'restart_mcp_server' → 'Restart MCP server': the action as the card's line starts it. */
export const actionWords = (action: string): string =>
  action
    .replace(/_/g, ' ')
    .replace(/\b(mcp|ttl)\b/g, (w) => w.toUpperCase())
    .replace(/^./, (c) => c.toUpperCase());

/**
 * An action's outcome without the ✅/❌ its recovery step ends it with: the card leads with its own
 * mark ("✅ heartbeat detected after 4.2 s", not "✅ heartbeat detected ✅ after 4.2 s").
 */
export const plainOutcome = (outcome: string | null): string | undefined =>
  outcome === null ? undefined : outcome.replace(/\s*[✅❌]/gu, '').trim() || undefined;

/**
 * The card that follows one action from press to result, posted under the card it was pressed on:
 * who pressed it, "restarting…", then the result with the time taken, or the failure with Retry.
 * Everyone in the channel sees the same progress, so nobody presses Restart a second time.
 */
export function actionCard(request: ActionRequest, progress: string, options: { retry: boolean } = { retry: true }): Card {
  const what = `${actionWords(request.action)} ${request.targetId}`;
  const who = `pressed by ${actorLabel(request.actor)} at ${utcClock(request.createdAt)}`;
  const took = request.finishedAt ? ` · took ${((request.finishedAt.getTime() - request.createdAt.getTime()) / 1000).toFixed(1)} s` : '';
  const base = { title: what, fields: [], entities: [{ kind: request.targetKind, id: request.targetId }], context: `${who}${took}` };
  if (request.status === 'running') return { ...base, severity: 'info', state: 'pending', text: `⏳ ${progress}`, actions: [] };
  if (request.status === 'succeeded') return { ...base, severity: 'info', state: 'resolved', text: `✅ ${plainOutcome(request.outcome) ?? 'done'}`, actions: [] };
  const failed = { ...base, severity: 'warning' as const, state: 'open' as const, text: `❌ ${plainOutcome(request.outcome) ?? 'failed'}` };
  // A target that does not exist, or bad input, will fail the same way again: no Retry for those.
  // Nor here when the card it was pressed on offers it: one request, one live Retry.
  if (request.retryable === false || !options.retry) return { ...failed, actions: [] };
  return {
    ...failed,
    actions: [
      {
        // The request, not the insight: Retry after an unknown outcome reuses its Idempotency-Key.
        id: buildActionId({
          action: request.action,
          subject: { kind: RETRY_SUBJECT, id: String(request.id) },
          target: { kind: request.targetKind, id: request.targetId },
        }),
        label: 'Retry',
        style: 'primary',
      },
    ],
  };
}
