import { min, SECOND, timeline, type Scenario } from './timeline.js';

/** Orchestration: a critical task fails and takes its dependents and the workstream with it. */
const NAME = 'workstream-failed';
const WS = 'ws-ulid-004';

export const workstreamFailed: Scenario = {
  name: NAME,
  title: `Workstream ${WS} failed (2 of 4 tasks)`,
  description: 'Two tasks complete, task-003 fails validation and task-004 fails on its dependency; the workstream is marked failed.',
  build(start) {
    const t = timeline(NAME, start, 'orchestrator');
    t.at(0).emit(min(50), 'workstream.state', { workstream: WS, state: 'running' });
    // A chain: what resume_workstream.py --from-task runs again is the task and those waiting on it.
    for (const [taskId, on] of [['task-002', 'task-001'], ['task-003', 'task-002'], ['task-004', 'task-003']] as const) {
      t.emit(min(50), 'task.dependency', { taskId, dependsOn: [on], workstream: WS });
    }
    t.emit(min(40), 'task.state', { taskId: 'task-001', state: 'completed', workstream: WS, attempt: 1, maxAttempts: 3 });
    t.emit(min(30), 'task.state', { taskId: 'task-002', state: 'completed', workstream: WS, attempt: 1, maxAttempts: 3 });
    t.at(1 * SECOND).emit(min(15), 'task.state', {
      taskId: 'task-003',
      state: 'failed',
      workstream: WS,
      attempt: 3,
      maxAttempts: 3,
      error: 'validation failed: 4 tests red',
    });
    t.emit(min(8), 'task.state', { taskId: 'task-004', state: 'failed', workstream: WS, attempt: 1, maxAttempts: 3, error: 'dependency task-003 failed' });
    t.at(2 * SECOND).emit(min(7), 'workstream.state', { workstream: WS, state: 'failed', failedTasks: 2 });
    return t.events();
  },
};
