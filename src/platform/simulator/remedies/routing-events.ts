import { z } from 'zod';
import type { EventKinds } from '../apply-events.js';
import { patchObjects } from '../objects.js';

/** An endpoint's latest call rate, its heaviest caller and the breaker guarding it (retry storm). */
export const ENDPOINT_TRAFFIC = 'endpoint_traffic';
/** Where a provider's new work goes while it is failed over (provider degraded). */
export const PROVIDER_ROUTING = 'provider_routing';

export const EndpointTraffic = z.object({
  callsPerMinute: z.number().nonnegative(),
  baselinePerMinute: z.number().nonnegative().nullable().default(null),
  /** The routine retrying hardest against it, and how many of the calls are its. */
  routine: z.string().nullable().default(null),
  routineCallsPerMinute: z.number().nonnegative().nullable().default(null),
  breaker: z.string().nullable().default(null),
});
export type EndpointTraffic = z.output<typeof EndpointTraffic>;

export const ProviderRouting = z.object({ routedTo: z.string().nullable(), since: z.string().nullable() });
export type ProviderRouting = z.output<typeof ProviderRouting>;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** Events folded into the objects the routing operations change (see ../apply-events.ts). */
export const routingRemedyEvents: EventKinds = {
  // Each sample replaces the last: a caller or breaker it no longer names is gone.
  'endpoint.calls': {
    key: (a) => `${ENDPOINT_TRAFFIC}:${a.endpoint}`,
    merge: (_prev, next) => next,
    apply: (items) =>
      patchObjects(
        ENDPOINT_TRAFFIC,
        items.map(({ a, at }) => ({
          id: a.endpoint,
          patch: {
            callsPerMinute: a.callsPerMinute,
            baselinePerMinute: a.baselinePerMinute ?? null,
            routine: text(a.routine),
            routineCallsPerMinute: num(a.routineCallsPerMinute),
            breaker: text(a.breaker),
          },
          at,
        })),
      ),
  },
};
