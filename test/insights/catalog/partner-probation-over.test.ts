import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/partner-probation-over.js';
import { DAY } from '../../../src/insights/catalog/helpers.js';
import { detect, NOW, stored } from '../../support/signals.js';

const LOWERED = '2026-05-03T14:00:00.000Z';
const report = (minutes: number, value: number, extra: Record<string, unknown> = {}, now = NOW) =>
  stored('partner.trust_score', minutes, { partner: 'P45678', score: value, ...extra }, now);
const lowered = (now: number) => report(1, 0.75, { autonomyCeiling: 2, requireHumanReview: true, autonomyLoweredAt: LOWERED }, now);
const after = (days: number) => Date.parse(LOWERED) + days * DAY;

describe('partner probation over (playbook 3, step 5)', () => {
  it('stays quiet during the 7-day probation and raises the card once it ends, with one Restore button', () => {
    expect(detect(entry, [lowered(after(6.9))], { now: after(6.9) })).toEqual([]);
    const [d] = detect(entry, [lowered(after(7))], { now: after(7) });
    expect(d).toMatchObject({
      scope: 'P45678',
      summary: "Partner P45678's 7-day probation ended 2026-05-10 14:00 UTC: autonomy tier 2, its signals still go to human review.",
      detail: 'Its trust score is still 0.75, under 0.80: restore only once it has fixed its format.',
      entities: [{ kind: 'partner', id: 'P45678' }],
    });
    expect(entry.title(d!)).toBe('Partner P45678 probation over: restore autonomy?');
    expect(entry.actions(d!).map((b) => [b.action, b.target?.id])).toEqual([
      ['restore_partner_autonomy', 'P45678'],
      ['dismiss', undefined],
    ]);
  });

  it('says when the partner has fixed its format (its latest score back above 0.80)', () => {
    const now = after(8);
    const [d] = detect(entry, [lowered(now), report(0.5, 0.93, {}, now)], { now });
    expect(d!.detail).toBe('Its trust score is back to 0.93: restore one tier and end human review.');
    expect(d!.fields).toContainEqual({ label: 'Trust score', value: '0.93' });
  });

  it('clears once the autonomy is restored, and never fires for a partner that was not lowered', () => {
    const now = after(8);
    const restored = report(0.5, 0.93, { autonomyCeiling: 3, requireHumanReview: false, autonomyLoweredAt: null }, now);
    expect(detect(entry, [lowered(now), restored], { now })).toEqual([]);
    expect(detect(entry, [report(1, 0.75, { autonomyCeiling: 3, requireHumanReview: false }, now)], { now })).toEqual([]);
  });

  it('takes the probation from its thresholds', () => {
    expect(detect(entry, [lowered(after(2))], { now: after(2), thresholds: { days: 2 } })[0]!.summary).toMatch(/2-day probation/);
    expect(detect(entry, [lowered(after(1 / 24))], { now: after(1 / 24), thresholds: { days: 1 / 24 } })[0]!.summary).toMatch(/1-hour probation/);
  });
});
