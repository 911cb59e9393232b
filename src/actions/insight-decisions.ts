import type { Actor } from '../actor.js';
import { actorLabel } from '../actor.js';
import { privately, type InteractionReply } from '../chat/interactions.js';
import type { InsightError, InsightLifecycle } from '../insights/lifecycle.js';


/** The words for an insight decision's outcome, in one place for every chat platform. */
function refusal(error: InsightError): string {
  const i = error.insight;
  switch (error.code) {
    case 'not_found':
      return 'That insight no longer exists in Triage (the card may be from another installation).';
    case 'already_resolved':
      return `Nothing to do: "${i?.title}" already resolved by itself at ${i?.resolvedAt?.toISOString().slice(11, 16)} UTC.`;
    case 'already_dismissed':
      return `Already dismissed by ${i?.dismissedBy} at ${i?.dismissedAt?.toISOString().slice(11, 16)} UTC.`;
    case 'already_acknowledged':
      return `Already acknowledged by ${i?.acknowledgedBy}.`;
  }
}

/** Dismiss: silence one insight for the configured time; the card turns to dismissed in place. */
export async function dismissInsight(
  lifecycle: InsightLifecycle,
  input: { insightId: number; actor: Actor; suppressMinutes: number; now: Date },
): Promise<InteractionReply> {
  const result = await lifecycle.dismiss(input.insightId, input.actor, input.now);
  if (!result.ok) return privately(refusal(result.error));
  return privately(`Dismissed "${result.value.title}" as ${actorLabel(input.actor)}; it stays quiet for ${input.suppressMinutes} minutes unless it resolves and comes back.`);
}

export async function acknowledgeInsight(
  lifecycle: InsightLifecycle,
  input: { insightId: number; actor: Actor; now: Date },
): Promise<InteractionReply> {
  const result = await lifecycle.acknowledge(input.insightId, input.actor, input.now);
  if (!result.ok) return privately(refusal(result.error));
  return privately(`Acknowledged "${result.value.title}": the channel sees you are on it.`);
}
