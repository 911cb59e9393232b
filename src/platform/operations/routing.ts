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
});
