import { z } from 'zod';
import type { Signal } from '../signal-window.js';
import type { SignalWindow } from '../signal-window.js';
import { defineEntry, type ActionSpec, type Detection } from './entry.js';
import { dismiss, latestBy, MINUTE } from './helpers.js';

const ENDED = new Set(['completed', 'failed', 'timed_out', 'skipped', 'cancelled']);

/**
 * A subagent is the task it runs (its taskId, else its name): once that task is reported ended
 * after the spawn (done, or stopped as a duplicate), it no longer counts as running.
 */
function stillRunning(window: SignalWindow, now: number): (spawn: Signal<'subagent.spawned'>) => boolean {
  const tasks = latestBy(window, 'task.state', 'taskId', now);
  return (spawn) => {
    const task = tasks.get(spawn.attributes.taskId ?? spawn.attributes.agent);
    return !(task && task.at >= spawn.at && ENDED.has(task.attributes.state));
  };
}

/**
 * Self-healing research, the "context monitor loop": more subagents of one task type than it may
 * run at once (`${count} ${type} tasks running (expected max: 1)`), each contending for the same
 * memory files, quota and session state until the system hangs.
 */
export default defineEntry({
  kind: 'duplicate_subagent_spawns',
  source: 'self-healing',
  name: 'Duplicate subagent spawns',
  severity: 'warning',
  category: 'operational',
  // The research's hangs ran 20–45 minutes; spawns within 30 minutes are taken to overlap.
  thresholds: z.object({ windowMinutes: z.number().positive().default(30), expectedConcurrency: z.number().int().min(1).default(1) }),
  detect({ window, now, thresholds }) {
    const byType = new Map<string, Signal<'subagent.spawned'>[]>();
    const running = stillRunning(window, now);
    for (const s of window.recent('subagent.spawned', thresholds.windowMinutes * MINUTE, now).filter(running)) {
      byType.set(s.attributes.taskType, [...(byType.get(s.attributes.taskType) ?? []), s]);
    }
    const detections: Detection[] = [];
    for (const [taskType, spawns] of byType) {
      // The sender knows the task type's limit best; the threshold is the fallback.
      const expected = Math.max(...spawns.map((s) => s.attributes.expectedConcurrency ?? thresholds.expectedConcurrency));
      if (spawns.length <= expected) continue;
      detections.push({
        scope: taskType,
        summary: `${spawns.length} ${taskType} tasks running (expected max: ${expected}).`,
        detail: 'Check for deadlock or spawn loop: a spawner that does not check whether the task is already running.',
        // Oldest first: the one the research's guard would have let run, and the one to keep.
        entities: spawns.map((s) => ({ kind: 'agent' as const, id: s.attributes.agent, detail: taskType })),
        facts: { spawned: spawns.length, expected },
      });
    }
    return detections;
  },
  title: (d) => `Duplicate ${d.scope} subagents`,
  actions: (d) => {
    const [oldest, ...duplicates] = d.entities.filter((e) => e.kind === 'agent');
    if (!oldest) return [dismiss];
    const stop: ActionSpec = {
      action: 'stop_duplicate_spawns',
      label: `Stop duplicates (keep ${oldest.id})`,
      target: oldest,
      style: 'danger',
      confirm: `Stop ${duplicates.length ? duplicates.map((e) => e.id).join(', ') : 'the other running subagents of its type'} and keep ${oldest.id}, the oldest? Each is signalled to save its state, then terminated.`,
    };
    return [stop, dismiss];
  },
  runbook: [
    'List the running tasks of this type: one should run, the rest are duplicates.',
    'Stop the duplicates (soft signal first so they save state, then terminate); keep one.',
    'Find the spawner (e.g. a context monitor firing every 6 minutes) and add an idempotency guard keyed on the task type.',
  ],
  preventiveTicket: {
    title: 'Check for a running task before spawning a subagent',
    description:
      'A monitor spawned a new memory-sync subagent every 6 minutes while earlier ones still ran; they contended for the same files and quota and hung. Never spawn without checking: key an idempotency guard on the logical task type.',
    deliverables: ['spawn_if_not_running guard keyed on task type', 'Expected concurrency per task type', 'Alert when a type exceeds it'],
  },
  causedBy: ['context_window_high'],
  recoveryRank: 25,
  lessons: ['A single idempotency check before spawning eliminates this whole class of hang.'],
});
