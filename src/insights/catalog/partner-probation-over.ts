import { z } from 'zod';
import { defineEntry, type Detection } from './entry.js';
import { clock, DAY, dismiss, HOUR, latestBy, MINUTE } from './helpers.js';
import { partnerScorecardTicket, profiles } from './partner-profile.js';

/** "7-day", "2-hour", "90-second": the probation as the card names it. */
function span(ms: number): string {
  const whole = (unit: number) => Number.isInteger(Math.round((ms / unit) * 1000) / 1000);
  if (ms >= DAY && whole(DAY)) return `${Math.round(ms / DAY)}-day`;
  if (ms >= HOUR && whole(HOUR)) return `${Math.round(ms / HOUR)}-hour`;
  if (ms >= MINUTE && whole(MINUTE)) return `${Math.round(ms / MINUTE)}-minute`;
  return `${Math.round(ms / 1000)}-second`;
}

/**
 * Playbook scenario 3, step 5: "Re-enable autonomy (after partner fixes + 7-day probation)". The
 * follow-up of Lower autonomy, raised when the probation that started with the lowering is over
 * (its start is in the partner's own reports, `autonomyLoweredAt`): a card at the right time,
 * not a reminder someone must keep. It clears once the autonomy is restored.
 */
export default defineEntry({
  kind: 'partner_probation_over',
  source: 'playbook',
  name: 'Partner probation over',
  severity: 'info',
  category: 'governance',
  thresholds: z.object({
    days: z.number().positive().default(7),
    // The partner trust card's line: a score back above it says the partner fixed its format.
    score: z.number().min(0).max(1).default(0.8),
  }),
  detect({ window, now, thresholds }) {
    const detections: Detection[] = [];
    const probation = thresholds.days * DAY;
    const scores = latestBy(window, 'partner.trust_score', 'partner', now);
    for (const [partner, p] of profiles(window, now)) {
      if (!p.review || p.loweredAt === undefined || now < p.loweredAt + probation) continue;
      const ended = p.loweredAt + probation;
      const score = scores.get(partner)?.attributes.score;
      const fixed = score !== undefined && score >= thresholds.score;
      const tier = p.ceiling !== undefined ? `autonomy tier ${p.ceiling}` : 'its autonomy lowered';
      detections.push({
        scope: partner,
        summary: `Partner ${partner}'s ${span(probation)} probation ended ${clock(ended)}: ${tier}, its signals still go to human review.`,
        detail:
          score === undefined
            ? 'Check that the partner fixed its format before restoring.'
            : fixed
              ? `Its trust score is back to ${score.toFixed(2)}: restore one tier and end human review.`
              : `Its trust score is still ${score.toFixed(2)}, under ${thresholds.score.toFixed(2)}: restore only once it has fixed its format.`,
        entities: [{ kind: 'partner', id: partner }],
        fields: [
          { label: 'Lowered', value: clock(p.loweredAt) },
          ...(score !== undefined ? [{ label: 'Trust score', value: score.toFixed(2) }] : []),
        ],
        facts: { loweredAt: new Date(p.loweredAt).toISOString(), probationDays: thresholds.days, ...(p.ceiling !== undefined ? { autonomyCeiling: p.ceiling } : {}), ...(score !== undefined ? { score } : {}) },
      });
    }
    return detections;
  },
  title: (d) => `Partner ${d.scope} probation over: restore autonomy?`,
  actions: (d) => [
    ...d.entities
      .filter((e) => e.kind === 'partner')
      .map((partner) => ({ action: 'restore_partner_autonomy' as const, label: 'Restore autonomy', target: partner, style: 'primary' as const })),
    dismiss,
  ],
  runbook: [
    'Check the partner fixed its format: its trust score back above 0.80 and its partial intents down (the analysis of step 3).',
    'Re-enable autonomy gradually once an approver agrees: human review off and the ceiling up one tier ("autonomy_ceiling = 2 # Gradual upgrade").',
    'Keep the partner on the weekly scorecard: lower it again if its score drops below 0.80.',
  ],
  preventiveTicket: partnerScorecardTicket,
  causedBy: [],
  // Tidying up after the incident: nothing else waits on it.
  recoveryRank: 60,
});
