import type { SignalWindow } from '../signal-window.js';
import type { PreventiveTicket } from './entry.js';
import { clock, num, text, upTo } from './helpers.js';

/** A partner's autonomy as its newest trust-score report that states it says. */
export type Profile = { ceiling?: number; review: boolean; loweredAt?: number };

/**
 * Each partner's profile from the newest `partner.trust_score` report carrying
 * `requireHumanReview` (docs/platform-api.md, "Recovery operations"): the platform repeats the
 * profile with every score once it changed it, so a report that leaves it out (a scoring system
 * that knows only scores) neither starts nor ends a probation.
 */
export function profiles(window: SignalWindow, now: number): Map<string, Profile> {
  const found = new Map<string, Profile>();
  for (const s of upTo(window, 'partner.trust_score', now)) {
    const a = s.attributes;
    if (typeof a.requireHumanReview !== 'boolean') continue;
    const ceiling = num(a.autonomyCeiling);
    const lowered = text(a.autonomyLoweredAt) ? Date.parse(a.autonomyLoweredAt as string) : NaN;
    found.set(a.partner, { review: a.requireHumanReview, ...(ceiling !== undefined ? { ceiling } : {}), ...(Number.isFinite(lowered) ? { loweredAt: lowered } : {}) });
  }
  return found;
}

/** "tier 2, signals to human review since 2026-05-03 15:00 UTC". */
export function profileWords(p: Profile): string {
  const tier = p.ceiling !== undefined ? `tier ${p.ceiling}` : 'tier unknown';
  if (!p.review) return tier;
  return `${tier}, signals to human review${p.loweredAt !== undefined ? ` since ${clock(p.loweredAt)}` : ''}`;
}

/** Playbook scenario 3's prevention, for the trust card and its probation's card alike (the Tickets port dedupes by title). */
export const partnerScorecardTicket: PreventiveTicket = {
  title: 'Send weekly automated partner scorecard emails',
  description: 'A partner changed its EDI format without notice and its trust score fell from 0.92 to 0.75. Weekly scorecards show partners their data quality before it costs them autonomy.',
  deliverables: ['Weekly scorecard per partner', 'Trend of trust score and partial intents'],
};
