import { z } from 'zod';
import type { Intent, RejectedOutput } from '../../../platform/operations/work.js';
import { ok } from '../../../result.js';
import { ticketRef } from '../../../tickets/port.js';
import { defineRecoveryAction, notAnswered, platformCallMs, type RecoveryDeps } from '../action.js';
import { regressionTicket } from './regression-ticket.js';

/** A Triage with no tracker still fails the intent, and the card says no ticket was filed. */
const trackerOf = (deps: RecoveryDeps) => deps.tickets;

/** What became of the regression case, as the end of the card's line. */
async function fileRegression(deps: RecoveryDeps, intent: Intent, rejected: RejectedOutput | null): Promise<string> {
  if (!rejected) return 'validation rejected nothing of it, so there is no regression case to file';
  const tickets = trackerOf(deps);
  if (!tickets) return 'no ticket tracker is connected to recovery actions, so the regression case was not filed';
  const filed = await tickets.create(regressionTicket(intent, rejected));
  if (!filed.ok) return `⚠️ the regression ticket could not be filed: ${filed.error.message}`;
  return `regression ticket ${ticketRef(filed.value)} filed with its input and the rejected output`;
}

/**
 * Hallucination detected (playbook scenario 2): the intent is tagged FAILED with the reason
 * ("Hallucination: negative weight"), and the case is captured as a regression ticket with its
 * input and the rejected output attached.
 */
export const failIntent = defineRecoveryAction({
  kind: 'fail_intent',
  targetKind: 'intent',
  progress: 'marking it FAILED…',
  params: z.object({}),
  // The platform, then the ticket tracker.
  deadlineMs: (deps) => 2 * platformCallMs(deps),
  async execute(deps, { targetId, call }) {
    const failed = await deps.platform.perform('failIntent', targetId, {}, call);
    if (!failed.ok) return notAnswered(failed.error, `intent ${targetId} marked FAILED`);
    const { intent, rejected } = failed.value;
    const regression = await fileRegression(deps, intent, rejected);
    return ok({ text: `intent ${intent.id} marked FAILED ✅ ("${intent.errorReason ?? 'no reason given'}") · ${regression}` });
  },
});
