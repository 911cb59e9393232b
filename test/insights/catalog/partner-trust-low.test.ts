import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/partner-trust-low.js';
import { detect, stored } from '../../support/signals.js';

const score = (minutes: number, value: number, extra: Record<string, unknown> = {}) =>
  stored('partner.trust_score', minutes, { partner: 'P45678', score: value, ...extra });

describe('partner trust low (playbook 3)', () => {
  it('quotes the score and the last healthy one: "0.75 (was 0.92)"', () => {
    const [d] = detect(entry, [score(2880, 0.92), score(1440, 0.78), score(10, 0.75, { partialIntentRate: 0.31, missingField: 'pickup_time', missingFieldRate: 0.85 })]);
    expect(d!.summary).toBe('Partner P45678 trust score: 0.75 (was 0.92).');
    expect(d!.fields).toEqual([
      { label: 'Partial intents', value: '31%' },
      { label: 'Missing field', value: 'pickup_time (85% of signals)' },
    ]);
  });

  it('stays quiet at exactly 0.80', () => {
    expect(detect(entry, [score(10, 0.8)])).toEqual([]);
  });
});

describe('partner trust low: lowering its autonomy from the card', () => {
  it('offers Lower autonomy on the partner, asking first, and shows its tier', () => {
    const [d] = detect(entry, [score(10, 0.75, { autonomyCeiling: 3, requireHumanReview: false })]);
    expect(d!.fields).toContainEqual({ label: 'Autonomy', value: 'tier 3' });
    const [lower, ...rest] = entry.actions(d!);
    expect(lower).toMatchObject({ action: 'lower_partner_autonomy', target: { kind: 'partner', id: 'P45678' } });
    expect(lower!.confirm).toMatch(/^Lower the autonomy ceiling of partner P45678 by one tier \(never below 1\) and send all its signals to human review\?/);
    expect(rest.map((b) => b.action)).toEqual(['dismiss']);
  });

  it('once lowered, says so and offers no second lowering, even after a score report without the profile', () => {
    const lowered = score(5, 0.75, { autonomyCeiling: 2, requireHumanReview: true, autonomyLoweredAt: '2026-05-03T14:55:00.000Z' });
    const [d] = detect(entry, [lowered, score(1, 0.74)]);
    expect(d!.fields).toContainEqual({ label: 'Autonomy', value: 'tier 2, signals to human review since 2026-05-03 14:55 UTC' });
    expect(d!.detail).toMatch(/its autonomy is lowered and its signals go to human review/);
    expect(entry.actions(d!).map((b) => b.action)).toEqual(['dismiss']);
  });
});
