import { min, SECOND, timeline, type Scenario } from './timeline.js';

/**
 * Self-healing research (L2 readiness, "Task queue depth: Growing queue = either slow processing
 * or blocked agents"): here the slow processing. Every worker is healthy and busy, nothing lands
 * in the dead-letter queue, and work still arrives faster than the three workers finish it: the
 * backlog that "Add capacity only once nothing is blocked" (the card's runbook) is for.
 */
const NAME = 'task-queue-growing';
const QUEUE = 'agent-tasks';
const WORKSTREAM = 'ws-nightly-batch';
/** The seeded workspace's workers (src/platform/simulator/seed-data.ts), each running two tasks. */
const WORKERS = ['worker-001', 'worker-002', 'worker-003'] as const;
/** Minutes ago → task queue depth: 60 waiting an hour ago, 205 now. */
const DEPTHS: Array<[number, number]> = [
  [60, 60],
  [45, 85],
  [30, 110],
  [15, 150],
  [5, 190],
  [1, 205],
];

export const taskQueueGrowing: Scenario = {
  name: NAME,
  title: `Task queue ${QUEUE} grew from 60 to 205 in an hour while every worker was busy`,
  description: 'Three healthy workers each run two tasks and the dead-letter queue stays empty, yet the task queue keeps growing: more capacity is needed.',
  build(start) {
    const t = timeline(NAME, start, 'orchestrator');
    // Healthy: heartbeats up to now, so the workers read as alive during the replay.
    t.at(0);
    for (const worker of WORKERS) t.repeat(min(10), 0, min(1), 'worker.heartbeat', { worker, intervalSeconds: 60 });
    WORKERS.forEach((worker, i) => {
      for (const n of [1, 2]) {
        const taskId = `task-${300 + i * 10 + n}`;
        t.emit(min(8 - i - n), 'task.state', { taskId, state: 'executing', workstream: WORKSTREAM, worker, attempt: 1, maxAttempts: 3 });
      }
    });
    DEPTHS.forEach(([ago, depth], i) => {
      t.at(Math.floor(i / 2) * SECOND).emit(min(ago), 'queue.depth', { queue: QUEUE, kind: 'task', depth });
      // Nothing is failing: the dead-letter queue stays empty, so the backlog is capacity.
      t.emit(min(ago), 'queue.depth', { queue: QUEUE, kind: 'dead_letter', depth: 0 });
    });
    return t.events();
  },
};
