import { DAY, min, SECOND, timeline, type Scenario } from './timeline.js';

/** Playbook scenario 3: a partner silently changes its EDI format and its trust score sinks. */
const NAME = 'partner-trust-drop';
const PARTNER = 'P45678';

export const partnerTrustDrop: Scenario = {
  name: NAME,
  title: `Partner ${PARTNER} trust score 0.75 (was 0.92)`,
  description: `Partner ${PARTNER} drops pickup_time from 85% of its EDI 204s; partial intents rise and its trust score falls below 0.80.`,
  build(start) {
    const t = timeline(NAME, start, 'cortex');
    t.at(0).emit(7 * DAY, 'partner.trust_score', { partner: PARTNER, score: 0.92, partialIntentRate: 0.02 });
    t.emit(2 * DAY, 'partner.trust_score', { partner: PARTNER, score: 0.88, partialIntentRate: 0.09 });
    t.at(1 * SECOND).emit(1 * DAY, 'partner.trust_score', { partner: PARTNER, score: 0.83, partialIntentRate: 0.18 });
    t.at(2 * SECOND).emit(min(10), 'partner.trust_score', {
      partner: PARTNER,
      score: 0.75,
      previousScore: 0.92,
      partialIntentRate: 0.31,
      missingField: 'pickup_time',
      missingFieldRate: 0.85,
      // The platform reports the partner's profile with its score (docs/platform-api.md): tier 3, no review yet.
      autonomyCeiling: 3,
      requireHumanReview: false,
    });
    return t.events();
  },
};
