import { z } from 'zod';
import { CircuitBreaker, Routine } from '../port.js';
import { defineOperations } from './spec.js';

/** An endpoint's call rate after a remedy took its storming callers off it. */
export const EndpointCalm = z.object({ endpoint: z.string(), callsPerMinute: z.number(), baselinePerMinute: z.number().nullable() });
export type EndpointCalm = z.infer<typeof EndpointCalm>;

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
});
