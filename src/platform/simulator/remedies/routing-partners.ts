import { ok, type Result } from '../../../result.js';
import type { PartnerAutonomy } from '../../operations/routing.js';
import type { PlatformError } from '../../port.js';
import { fail, guard, simEvent } from '../context.js';
import { changeObject } from '../objects.js';
import type { Handlers } from './handler.js';
import { PARTNER_PROFILE, PartnerProfile } from './routing-events.js';

/**
 * The tier a partner has when no report stated one. The playbook's restore sets the ceiling to 2
 * "as a gradual upgrade" after lowering it by one, so a partner in good standing sits at 3.
 */
export const DEFAULT_AUTONOMY_CEILING = 3;

const ceilingOf = (p: PartnerProfile): number => p.autonomyCeiling ?? DEFAULT_AUTONOMY_CEILING;

/**
 * The partner's report as the platform sends it after a change: the last score with its analysis,
 * and the profile. The platform repeats the profile with every score it reports afterwards, so
 * Triage knows when the probation started however long ago that was (docs/platform-api.md).
 */
export const profileReport = (partner: string, p: PartnerProfile, at: Date) =>
  simEvent(
    'partner.trust_score',
    { ...p.report, partner, score: p.score, autonomyCeiling: ceilingOf(p), requireHumanReview: p.requireHumanReview ?? false, autonomyLoweredAt: p.autonomyLoweredAt ?? null },
    at,
  );

const answer = (partner: string, before: PartnerProfile, after: PartnerProfile): PartnerAutonomy => ({
  partner,
  autonomyCeiling: ceilingOf(after),
  previousCeiling: ceilingOf(before),
  requireHumanReview: after.requireHumanReview ?? false,
  loweredAt: after.autonomyLoweredAt ?? null,
});

/** The simulator's side of the partner operations of src/platform/operations/routing.ts. */
export const partnerRemedies: Handlers<'lowerPartnerAutonomy' | 'restorePartnerAutonomy'> = (ctx) => {
  const change = (partner: string, what: string, step: (p: PartnerProfile, at: Date) => Result<PartnerProfile, PlatformError>) =>
    guard(what, async () => {
      const at = ctx.now();
      const changed = await changeObject(ctx.database.db, at, { kind: PARTNER_PROFILE, id: partner, schema: PartnerProfile }, (current) =>
        current ? step(current, at) : fail('not_found', `no trust score is known for partner ${partner}`),
      );
      if (!changed.ok) return changed;
      const { before, after } = changed.value;
      await ctx.publish([profileReport(partner, after, at)]);
      return ok(answer(partner, before ?? after, after));
    });

  return {
    lowerPartnerAutonomy: (partner) =>
      change(partner, `lower the autonomy of partner ${partner}`, (p, at) => {
        if (p.requireHumanReview) {
          return fail('invalid_state', `partner ${partner} is already at autonomy tier ${ceilingOf(p)} with its signals under human review (since ${p.autonomyLoweredAt ?? 'earlier'})`);
        }
        // Playbook scenario 3, step 1: `max(partner.autonomy_ceiling - 1, 1)`; step 2: human review.
        return ok({ ...p, autonomyCeiling: Math.max(ceilingOf(p) - 1, 1), requireHumanReview: true, autonomyLoweredAt: at.toISOString(), ceilingBeforeLowering: ceilingOf(p) });
      }),

    restorePartnerAutonomy: (partner) =>
      change(partner, `restore the autonomy of partner ${partner}`, (p) => {
        if (!p.requireHumanReview) return fail('invalid_state', `partner ${partner} is not under human review (autonomy tier ${ceilingOf(p)}): there is nothing to restore`);
        const { ceilingBeforeLowering, ...rest } = p;
        // Step 5: review off, the ceiling up one tier ("gradual upgrade"), not past where it was.
        const ceiling = Math.min(ceilingOf(p) + 1, ceilingBeforeLowering ?? ceilingOf(p) + 1);
        return ok({ ...rest, autonomyCeiling: ceiling, requireHumanReview: false, autonomyLoweredAt: null });
      }),
  };
};
