import { z } from 'zod';
import { defineEntry, type Detection } from './entry.js';
import { dismiss, latestBy, num, percent, text, upTo } from './helpers.js';
import { partnerScorecardTicket, profiles, profileWords } from './partner-profile.js';

/** Playbook scenario 3: "Partner P45678 trust score: 0.75 (was 0.92)". */
export default defineEntry({
  kind: 'partner_trust_low',
  source: 'playbook',
  name: 'Partner data quality drop',
  severity: 'warning',
  category: 'governance',
  thresholds: z.object({ score: z.number().min(0).max(1).default(0.8) }),
  detect({ window, now, thresholds }) {
    const history = upTo(window, 'partner.trust_score', now);
    const profile = profiles(window, now);
    return [...latestBy(window, 'partner.trust_score', 'partner', now).values()]
      .filter((s) => s.attributes.score < thresholds.score)
      .map((latest): Detection => {
        const a = latest.attributes;
        // "was" is the last healthy score: the sender's own, else the newest one above the threshold.
        const was =
          num(a.previousScore) ??
          history.filter((s) => s.attributes.partner === a.partner && s.at < latest.at && s.attributes.score >= thresholds.score).at(-1)?.attributes.score;
        const partial = num(a.partialIntentRate);
        const missing = text(a.missingField);
        const missingRate = num(a.missingFieldRate);
        const autonomy = profile.get(a.partner);
        return {
          scope: a.partner,
          summary: `Partner ${a.partner} trust score: ${a.score.toFixed(2)}${was !== undefined ? ` (was ${was.toFixed(2)})` : ''}.`,
          detail: autonomy?.review
            ? `Below ${thresholds.score.toFixed(2)}: its autonomy is lowered and its signals go to human review; a card offers to restore it after the probation.`
            : `Below ${thresholds.score.toFixed(2)}: downgrade its autonomy tier and send its signals to human review.`,
          entities: [{ kind: 'partner', id: a.partner }],
          fields: [
            ...(partial !== undefined ? [{ label: 'Partial intents', value: percent(partial) }] : []),
            ...(missing ? [{ label: 'Missing field', value: missingRate !== undefined ? `${missing} (${percent(missingRate)} of signals)` : missing }] : []),
            ...(autonomy ? [{ label: 'Autonomy', value: profileWords(autonomy) }] : []),
          ],
          facts: { score: a.score, ...(was !== undefined ? { previousScore: was } : {}), ...(autonomy ? { humanReview: autonomy.review } : {}) },
        };
      });
  },
  title: (d) => `Partner ${d.scope} trust score low`,
  // Lowered once is enough: the profile says so, and the probation's card (partner_probation_over) restores it.
  actions: (d) => [
    ...(d.facts?.humanReview === true
      ? []
      : d.entities
          .filter((e) => e.kind === 'partner')
          .map((partner) => ({
            action: 'lower_partner_autonomy' as const,
            label: 'Lower autonomy, human review',
            target: partner,
            style: 'danger' as const,
            confirm: `Lower the autonomy ceiling of partner ${partner.id} by one tier (never below 1) and send all its signals to human review? A card offers to restore it when the probation ends.`,
          }))),
    dismiss,
  ],
  runbook: [
    'Downgrade the partner\'s autonomy tier by one (never below 1).',
    'Enable manual review: all its signals go to a human.',
    'Analyse its recent signals for the change (e.g. a field missing in 85% of them).',
    'Contact the partner to restore the format.',
    'Re-enable autonomy gradually after the fix and a 7-day probation.',
  ],
  preventiveTicket: partnerScorecardTicket,
  causedBy: [],
  // Before the breaker it trips: reset a breaker while the partner still sends bad data and it opens again.
  recoveryRank: 14,
});
