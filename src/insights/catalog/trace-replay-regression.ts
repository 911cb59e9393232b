import { z } from 'zod';
import { defineEntry, type ActionSpec, type Detection } from './entry.js';
import { dismiss, latestBy, percent, text } from './helpers.js';

/**
 * Playbook scenario 6: "Regression detected in trace test". The playbook's rule is that every PR
 * passes trace replay, so any drop below the baseline is a regression (tolerance 0 points).
 */
export default defineEntry({
  kind: 'trace_replay_regression',
  source: 'playbook',
  name: 'Trace replay regression',
  severity: 'warning',
  category: 'workflow',
  thresholds: z.object({ tolerancePoints: z.number().min(0).max(100).default(0) }),
  detect({ window, now, thresholds }) {
    return [...latestBy(window, 'trace.replay', 'suite', now).values()]
      .filter((s) => (s.attributes.baselinePassRate - s.attributes.passRate) * 100 > thresholds.tolerancePoints + 1e-9)
      .map(({ attributes: a }): Detection => {
        const failing = Array.isArray(a.failingTraces) ? a.failingTraces.filter((t): t is string => typeof t === 'string') : [];
        const commit = text(a.commit);
        return {
          scope: a.suite,
          summary: `Regression detected in trace replay "${a.suite}": ${percent(a.passRate)} pass (baseline ${percent(a.baselinePassRate)}).`,
          detail: text(a.detail) ?? 'Trace replay mismatch: a change altered behaviour.',
          entities: [{ kind: 'suite', id: a.suite }],
          fields: [
            ...(failing.length ? [{ label: 'Failing traces', value: failing.join(', ') }] : []),
            ...(commit ? [{ label: 'Commit', value: commit }] : []),
          ],
          facts: { passRate: a.passRate, baselinePassRate: a.baselinePassRate, ...(commit ? { commit } : {}) },
        };
      });
  },
  title: (d) => `Trace replay regression: ${d.scope}`,
  // The playbook's two branches, each through an approval: which one applies is a decision about
  // the change (breaking or intended), and either changes what the suite holds as correct.
  actions: (d) => {
    const suite = d.entities.find((e) => e.kind === 'suite');
    if (!suite) return [dismiss];
    const commit = typeof d.facts?.commit === 'string' ? d.facts.commit : undefined;
    const fixes: ActionSpec[] = [
      { action: 'revert_change', label: commit ? `Revert ${commit}` : 'Revert change', target: suite, style: 'danger' },
      { action: 'refresh_trace_fixture', label: 'Refresh fixture', target: suite },
    ];
    return [...fixes, dismiss];
  },
  runbook: [
    'Identify the change: recent commits to intent resolution.',
    'Compare the trace outputs of HEAD and HEAD~1.',
    'Breaking change: revert the commit. Intentional improvement: refresh the trace fixture.',
  ],
  preventiveTicket: {
    title: 'Require trace-replay tests to pass before merge',
    description: 'A code change altered intent resolution and a production trace now produces different output. All PRs must pass trace-replay tests before merge.',
    deliverables: ['Trace replay as a required CI check', 'Documented fixture refresh for intentional changes'],
  },
  causedBy: [],
  // A code problem: it waits until the operational fires are out.
  recoveryRank: 60,
});
