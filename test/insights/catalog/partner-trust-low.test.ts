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
