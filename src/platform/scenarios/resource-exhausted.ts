import { min, SECOND, timeline, type Scenario } from './timeline.js';

/** Orchestration: one task holds the only repo write lock and everything else queues behind it. */
const NAME = 'resource-exhausted';
const RESOURCE = 'git_repo_write';
const WS = 'ws-ulid-005';

export const resourceExhausted: Scenario = {
  name: NAME,
  title: `Resource ${RESOURCE} exhausted (1 of 1 held, 3 tasks waiting)`,
  description: `task-201 has held ${RESOURCE} for 20 minutes; three tasks wait for it and the system does not raise limits by itself.`,
  build(start) {
    const t = timeline(NAME, start, 'orchestrator');
    t.at(0).emit(min(20), 'task.state', { taskId: 'task-201', state: 'executing', workstream: WS, worker: 'worker-003' });
    t.emit(min(20), 'resource.usage', { resource: RESOURCE, used: 1, limit: 1, heldBy: 'task-201' });
    t.at(1 * SECOND);
    for (const [taskId, ago] of [['task-202', 18], ['task-203', 14], ['task-204', 10]] as const) {
      t.emit(min(ago), 'task.state', { taskId, state: 'pending', workstream: WS, waitingFor: RESOURCE });
    }
    t.at(2 * SECOND).emit(min(2), 'resource.usage', { resource: RESOURCE, used: 1, limit: 1, heldBy: 'task-201', waiting: 3 });
    return t.events();
  },
};
