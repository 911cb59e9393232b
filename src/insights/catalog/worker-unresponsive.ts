import { z } from 'zod';
import type { SignalWindow } from '../signal-window.js';
import { clock, dismiss, heardSince, latestBy, MINUTE } from './helpers.js';
import { defineEntry, type Detection, type Entity } from './entry.js';

/** Tasks still executing on the worker: they are stranded until it recovers or they are reassigned. */
function strandedTasks(window: SignalWindow, worker: string, now: number): Entity[] {
  return [...latestBy(window, 'task.state', 'taskId', now).values()]
    .filter((s) => s.attributes.worker === worker && s.attributes.state === 'executing')
    .map((s) => ({ kind: 'task', id: s.attributes.taskId, detail: 'stranded' }));
}

/** Recovery procedures: a worker unresponsive for more than 3 minutes needs a restart or a forced shutdown. */
export default defineEntry({
  kind: 'worker_unresponsive',
  source: 'recovery-procedures',
  name: 'Worker unresponsive',
  severity: 'critical',
  category: 'operational',
  thresholds: z.object({ silentMinutes: z.number().positive().default(3) }),
  detect({ window, now, thresholds, gaps }) {
    const beats = latestBy(window, 'worker.heartbeat', 'worker', now);
    const states = latestBy(window, 'worker.state', 'worker', now);
    const detections: Detection[] = [];
    for (const worker of new Set([...beats.keys(), ...states.keys()])) {
      const beat = beats.get(worker);
      const state = states.get(worker);
      const stateIsNews = !!state && (!beat || state.at >= beat.at);
      if (stateIsNews && state.attributes.state === 'stopped') continue; // stopped on purpose
      const lastSign = Math.max(beat?.at ?? -Infinity, state?.attributes.state === 'healthy' ? state.at : -Infinity);
      const silent = Number.isFinite(lastSign) && now - heardSince(gaps, lastSign) > thresholds.silentMinutes * MINUTE;
      const marked = stateIsNews && state.attributes.state === 'unresponsive';
      if (!silent && !marked) continue;
      const tasks = strandedTasks(window, worker, now);
      detections.push({
        scope: worker,
        summary: silent ? `Worker ${worker} unresponsive for more than ${thresholds.silentMinutes} minutes.` : `Worker ${worker} unresponsive.`,
        detail: tasks.length ? `${tasks.length} tasks stranded on it until it is restarted or they are reassigned.` : 'No tasks are assigned to it.',
        entities: [{ kind: 'worker', id: worker }, ...tasks],
        fields: beat ? [{ label: 'Last heartbeat', value: clock(beat.at) }] : [],
        facts: { strandedTasks: tasks.length, ...(beat ? { lastHeartbeatAt: new Date(beat.at).toISOString() } : {}) },
      });
    }
    return detections;
  },
  title: (d) => `Worker ${d.scope} unresponsive`,
  actions: (d) => [
    ...d.entities
      .filter((e) => e.kind === 'worker')
      .flatMap((worker) => [
        { action: 'restart_worker' as const, label: 'Restart worker', target: worker, style: 'primary' as const },
        { action: 'force_restart_worker' as const, label: 'Force shutdown and reassign', target: worker, style: 'danger' as const, confirm: `Force ${worker.id} down and reassign its tasks to other workers?` },
      ]),
    dismiss,
  ],
  runbook: [
    'Wait 30 seconds for the health check to recover it.',
    'Not recovered after 3 minutes: check the worker, then restart it.',
    'Still stuck: force shutdown and reassign its tasks to other workers.',
    'Monitor it closely after it returns.',
  ],
  preventiveTicket: {
    title: 'Fix the worker implementation behind unresponsive workers',
    description: 'A worker stopped answering health checks with tasks still assigned to it. Learn from failures: find why it hung and fix the worker implementation (escalation level 4: code changes).',
    deliverables: ['Root cause of the hang', 'Worker fix', 'Heartbeat independent of task execution'],
  },
  causedBy: [],
  recoveryRank: 20,
});
