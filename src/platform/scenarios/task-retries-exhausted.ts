import { min, SECOND, timeline, type Scenario } from './timeline.js';

/** Orchestration: a task times out on every attempt and runs out of retries. */
const NAME = 'task-retries-exhausted';
const task = { taskId: 'task-007', taskType: 'integration-tests', workstream: 'ws-ulid-003', worker: 'worker-002', maxAttempts: 3 };

export const taskRetriesExhausted: Scenario = {
  name: NAME,
  title: 'Task task-007 failed after 3 of 3 attempts',
  description: 'task-007 times out after 600 s on each attempt; retries back off 2 s then 4 s, and the third timeout marks it failed.',
  build(start) {
    const t = timeline(NAME, start, 'orchestrator');
    t.at(0).emit(min(32), 'task.state', { ...task, state: 'executing', attempt: 1 });
    t.emit(min(22), 'task.state', { ...task, state: 'timed_out', attempt: 1, error: 'timed out after 600 s' });
    t.at(1 * SECOND).emit(min(22) - 2 * SECOND, 'task.state', { ...task, state: 'executing', attempt: 2 });
    t.emit(min(12), 'task.state', { ...task, state: 'timed_out', attempt: 2, error: 'timed out after 600 s' });
    t.at(2 * SECOND).emit(min(12) - 4 * SECOND, 'task.state', { ...task, state: 'executing', attempt: 3 });
    t.emit(min(2), 'task.state', { ...task, state: 'failed', attempt: 3, error: 'timed out after 600 s; retries exhausted' });
    return t.events();
  },
};
