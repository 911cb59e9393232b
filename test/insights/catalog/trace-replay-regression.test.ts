import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/trace-replay-regression.js';
import { detect, stored } from '../../support/signals.js';

const run = (passRate: number, baselinePassRate = 1) =>
  stored('trace.replay', 5, { suite: 'production-traces', passRate, baselinePassRate, commit: 'a1b2c3d', failingTraces: ['trace-12345'] });

describe('trace replay regression (playbook 6)', () => {
  it('treats any drop below the baseline as a regression: every PR must pass trace replay', () => {
    const [d] = detect(entry, [run(0.96)]);
    expect(d!.summary).toBe('Regression detected in trace replay "production-traces": 96% pass (baseline 100%).');
    expect(d!.fields).toEqual([
      { label: 'Failing traces', value: 'trace-12345' },
      { label: 'Commit', value: 'a1b2c3d' },
    ]);
  });

  it('stays quiet at the baseline, and within a configured tolerance', () => {
    expect(detect(entry, [run(0.97, 0.97)])).toEqual([]);
    expect(detect(entry, [run(0.96)], { thresholds: { tolerancePoints: 5 } })).toEqual([]);
  });

  it("offers the playbook's two branches on the suite, the revert naming the commit", () => {
    const [d] = detect(entry, [run(0.96)]);
    expect(entry.actions(d!).map((a) => [a.action, a.label, a.target?.id])).toEqual([
      ['revert_change', 'Revert a1b2c3d', 'production-traces'],
      ['refresh_trace_fixture', 'Refresh fixture', 'production-traces'],
      ['dismiss', 'Dismiss', undefined],
    ]);
  });
});
