import { z } from 'zod';
import type { EventAttributes } from '../../../events/vocabulary.js';
import type { EventKinds, Item } from '../apply-events.js';
import { patchObjects } from '../objects.js';

/** An endpoint's latest call rate, its heaviest caller and the breaker guarding it (retry storm). */
export const ENDPOINT_TRAFFIC = 'endpoint_traffic';
/** A partner's signal profile: its latest trust-score report and its autonomy (partner trust low). */
export const PARTNER_PROFILE = 'partner_profile';
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

/**
 * The profile attributes a trust-score report carries besides the score (docs/platform-api.md,
 * "Recovery operations"): the platform reports them with every score, so the probation's start
 * travels with the partner's own reports.
 */
export const PROFILE_FIELDS = ['autonomyCeiling', 'requireHumanReview', 'autonomyLoweredAt'] as const;

export const PartnerProfile = z.object({
  score: z.number().min(0).max(1),
  /** The rest of the latest report (previous score, partial intents, the missing field...), kept to report again. */
  report: z.record(z.string(), z.unknown()).default({}),
  autonomyCeiling: z.number().int().min(1).optional(),
  requireHumanReview: z.boolean().optional(),
  autonomyLoweredAt: z.string().nullable().optional(),
  /** Where the ceiling stood before it was lowered: a restore goes back up to it, not past it. */
  ceilingBeforeLowering: z.number().int().min(1).optional(),
});
export type PartnerProfile = z.output<typeof PartnerProfile>;

export const ProviderRouting = z.object({ routedTo: z.string().nullable(), since: z.string().nullable() });
export type ProviderRouting = z.output<typeof ProviderRouting>;

type Score = EventAttributes<'partner.trust_score'>;

const profileOf = (a: Score): Record<string, unknown> =>
  Object.fromEntries(PROFILE_FIELDS.filter((k) => a[k] !== undefined).map((k) => [k, a[k]]));

/** The report without the partner and the profile: what a later report of the same partner repeats. */
function reportOf(a: Score): Record<string, unknown> {
  const { partner: _partner, score: _score, ...rest } = a;
  for (const k of PROFILE_FIELDS) delete rest[k];
  return rest;
}

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
  // A report that leaves the profile out keeps the one stored: scores come from the scoring, the profile from operations.
  'partner.trust_score': {
    key: (a) => `${PARTNER_PROFILE}:${a.partner}`,
    merge: (prev: Item<'partner.trust_score'>, next: Item<'partner.trust_score'>) => ({ a: { ...profileOf(prev.a), ...next.a } as Score, at: next.at }),
    apply: (items) =>
      patchObjects(
        PARTNER_PROFILE,
        items.map(({ a, at }) => ({ id: a.partner, patch: { score: a.score, report: reportOf(a), ...profileOf(a) }, at })),
      ),
  },
};
