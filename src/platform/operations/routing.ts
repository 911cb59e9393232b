import { z } from 'zod';
import { CircuitBreaker, Routine } from '../port.js';
import { defineOperations } from './spec.js';

/** An endpoint's call rate after a remedy took its storming callers off it. */
export const EndpointCalm = z.object({ endpoint: z.string(), callsPerMinute: z.number(), baselinePerMinute: z.number().nullable() });
export type EndpointCalm = z.infer<typeof EndpointCalm>;

/** Where a provider's new work goes: elsewhere since `since` while it is failed over, else to itself. */
export const ProviderRoute = z.object({
  provider: z.string(),
  /** The healthy provider its new work goes to; null when it goes to the provider itself. */
  routedTo: z.string().nullable(),
  since: z.string().nullable(),
  /** Where its work had been routed before this operation (restoreProvider says where it came back from). */
  previouslyRoutedTo: z.string().nullable(),
});
export type ProviderRoute = z.infer<typeof ProviderRoute>;

/** A partner's signal profile as the playbook's scenario 3 changes it. */
export const PartnerAutonomy = z.object({
  partner: z.string(),
  autonomyCeiling: z.number().int().min(1),
  previousCeiling: z.number().int().min(1),
  /** All its signals go to a human before anything is created from them. */
  requireHumanReview: z.boolean(),
  /** When the autonomy was lowered: the probation runs from here. Null once restored. */
  loweredAt: z.string().nullable(),
});
export type PartnerAutonomy = z.infer<typeof PartnerAutonomy>;

/** See ./index.ts. */
export const routingOperations = defineOperations({
  /**
   * Retry storm (self-healing research, "infinite loops and retry storms"): throttle the routine
   * retrying together with the others so the dependency can recover. The reason goes on the
   * routine, as a budget pause's does.
   */
  pauseRoutine: {
    collection: 'routines',
    verb: 'pause',
    body: z.strictObject({ reason: z.string().trim().min(3).max(500) }),
    answer: z.object({ routine: Routine, calmed: z.array(EndpointCalm) }),
  },
  /**
   * Retry storm: open the circuit breaker guarding the endpoint, so calls fail fast (or fall back)
   * instead of reproducing the failure they retry; it closes again through its half-open probe or
   * a reset.
   */
  openBreaker: {
    collection: 'breakers',
    verb: 'open',
    body: z.strictObject({}),
    answer: z.object({ breaker: CircuitBreaker, calmed: z.array(EndpointCalm) }),
  },
  /**
   * Provider degraded (Team-X ticket #63, "primary OpenAI, backup Anthropic"): new work goes to a
   * healthy provider, the seed's backup first; work already running stays where it is.
   */
  failoverProvider: { collection: 'providers', verb: 'failover', body: z.strictObject({}), answer: ProviderRoute },
  /** "Switch back when the primary is healthy": new work goes to the provider again. */
  restoreProvider: { collection: 'providers', verb: 'restore', body: z.strictObject({}), answer: ProviderRoute },
  /**
   * Partner trust low (playbook scenario 3, steps 1 and 2): autonomy ceiling down by one, never
   * below 1, and every signal of the partner to human review.
   */
  lowerPartnerAutonomy: { collection: 'partners', verb: 'lower-autonomy', body: z.strictObject({}), answer: PartnerAutonomy },
  /**
   * Step 5, after the fix and the probation: human review off and the ceiling up one tier
   * ("gradual upgrade"), never above where it was before it was lowered.
   */
  restorePartnerAutonomy: { collection: 'partners', verb: 'restore-autonomy', body: z.strictObject({}), answer: PartnerAutonomy },
});
