import { z } from 'zod';
import type { SignalWindow } from '../signal-window.js';
import { defineEntry, type Detection } from './entry.js';
import { dismiss, MINUTE, queueTrends } from './helpers.js';

/**
 * Whether the queue's newest depth is below the one before: it has started draining (a worker was
 * added, a block cleared), so it is no longer growing, whatever the hour's trend still shows.
 */
function draining(window: SignalWindow, queue: string, withinMs: number, now: number): boolean {
  const depths = window.recent('queue.depth', withinMs, now).filter((s) => s.attributes.kind === 'task' && s.attributes.queue === queue);
  const [before, last] = depths.slice(-2);
  return before !== undefined && last !== undefined && last.attributes.depth < before.attributes.depth;
}

/** Self-healing research (L2 readiness): "Growing queue = either slow processing or blocked agents". */
export default defineEntry({
  kind: 'task_queue_growing',
  source: 'self-healing',
  name: 'Task queue growing',
  severity: 'warning',
  category: 'workflow',
  thresholds: z.object({ windowMinutes: z.number().positive().default(60), depth: z.number().int().min(0).default(100) }),
  detect({ window, now, thresholds }) {
    const within = thresholds.windowMinutes * MINUTE;
    return queueTrends(window, 'task', within, now)
      .filter((t) => t.samples > 1 && t.last.attributes.depth > t.first.attributes.depth && t.last.attributes.depth >= thresholds.depth)
      .filter((t) => !draining(window, t.queue, within, now))
      .map((t): Detection => {
        const from = t.first.attributes.depth;
        const to = t.last.attributes.depth;
        return {
          scope: t.queue,
          summary: `Task queue "${t.queue}" growing: ${from} → ${to} in ${Math.round((t.last.at - t.first.at) / MINUTE)} minutes.`,
          detail: 'Work arrives faster than it is done: slow processing or blocked agents.',
          entities: [{ kind: 'queue', id: t.queue, detail: `${to} queued` }],
          facts: { from, to },
        };
      });
  },
  title: (d) => `Task queue growing: ${d.scope}`,
  // Adding a worker adds cost, so an approver decides (src/auth/requirements.ts); the platform
  // refuses it while a worker is blocked, as the runbook's last line says.
  actions: (d) => {
    const queue = d.entities.find((e) => e.kind === 'queue');
    return [...(queue ? [{ action: 'add_worker' as const, label: 'Add worker', target: queue }] : []), dismiss];
  },
  runbook: [
    'Check the workers: unresponsive workers or a held resource stall the queue.',
    'Check the dead-letter queue: failing work retried again and again slows everything behind it.',
    'Add capacity only once nothing is blocked.',
  ],
  preventiveTicket: {
    title: 'Alert on task queue depth before it stalls the system',
    description: 'The task queue backed up for an hour before anyone noticed. Resource metrics (queue depth, subagent counts, token burn, API call rate) should alert before thresholds are reached, not after a hang.',
    deliverables: ['Queue depth metric and trend alert', 'Readiness check that includes queue depth'],
  },
  causedBy: ['worker_unresponsive', 'resource_exhausted', 'dead_letter_growing'],
  recoveryRank: 35,
});
