import { z } from 'zod';
import { defineEntry, type Detection } from './entry.js';
import { dismiss, MINUTE, queueTrends } from './helpers.js';

/** Self-healing research: "Spikes in DLQ depth indicate systematic failures." */
export default defineEntry({
  kind: 'dead_letter_growing',
  source: 'self-healing',
  name: 'Dead-letter queue growing',
  severity: 'warning',
  category: 'workflow',
  thresholds: z.object({ windowMinutes: z.number().positive().default(60) }),
  detect({ window, now, thresholds }) {
    return queueTrends(window, 'dead_letter', thresholds.windowMinutes * MINUTE, now)
      .filter((t) => t.samples > 1 && t.last.attributes.depth > 0 && t.last.attributes.depth > t.first.attributes.depth)
      .map((t): Detection => {
        const from = t.first.attributes.depth;
        const to = t.last.attributes.depth;
        return {
          scope: t.queue,
          summary: `Dead-letter queue for "${t.queue}" grew from ${from} to ${to} in ${Math.round((t.last.at - t.first.at) / MINUTE)} minutes.`,
          detail: 'Work is failing after exhausting its retries: a systematic failure, not bad luck.',
          entities: [{ kind: 'queue', id: t.queue, detail: `${to} dead letters` }],
          facts: { from, to },
        };
      });
  },
  title: (d) => `Dead letters piling up: ${d.scope}`,
  actions: (d) => {
    const queue = d.entities.find((e) => e.kind === 'queue');
    if (!queue) return [dismiss];
    const count = typeof d.facts?.to === 'number' ? `the ${d.facts.to} dead letters` : 'the dead letters';
    return [
      {
        action: 'replay_dead_letters' as const,
        label: 'Replay dead letters',
        target: queue,
        confirm: `Replay ${count} of ${queue.id} onto its task queue? Do it once their cause is fixed, or they fail again and land back here.`,
      },
      dismiss,
    ];
  },
  runbook: [
    'Inspect the dead letters: what failed, when, with which inputs.',
    'Find and fix the shared cause (an expired credential, a failing dependency).',
    'Replay the dead letters once the cause is fixed.',
  ],
  preventiveTicket: {
    title: 'Alert on dead-letter growth and make dead letters replayable',
    description: 'Failed work piled up in the dead-letter queue for an hour. Alert on DLQ spikes, and keep each dead letter with its inputs so it can be replayed after the fix.',
    deliverables: ['DLQ depth alert', 'Replay tool for dead letters'],
  },
  causedBy: ['task_retries_exhausted', 'credential_expiring', 'provider_degraded'],
  recoveryRank: 35,
});
