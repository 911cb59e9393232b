import { min, SECOND, timeline, type Scenario } from './timeline.js';

/** Orchestration: two tasks wait on each other, so the workstream can never proceed. */
const NAME = 'dependency-cycle';
const WS = 'ws-ulid-002';

export const dependencyCycle: Scenario = {
  name: NAME,
  title: 'Dependency cycle: task-001 ⇄ task-002',
  description: 'task-001 depends on task-002 and task-002 on task-001; task-003 waits behind them and the workstream is stuck in pending.',
  build(start) {
    const t = timeline(NAME, start, 'orchestrator');
    t.at(0).emit(min(15), 'workstream.state', { workstream: WS, state: 'running' });
    t.emit(min(14), 'task.dependency', { taskId: 'task-001', dependsOn: ['task-002'], workstream: WS });
    t.emit(min(14), 'task.dependency', { taskId: 'task-002', dependsOn: ['task-001'], workstream: WS });
    t.emit(min(14), 'task.dependency', { taskId: 'task-003', dependsOn: ['task-001'], workstream: WS });
    t.at(1 * SECOND);
    for (const taskId of ['task-001', 'task-002', 'task-003']) t.emit(min(14), 'task.state', { taskId, state: 'pending', workstream: WS });
    t.at(2 * SECOND).emit(min(1), 'probe.result', { probe: `progress:${WS}`, ok: false, detail: 'no task transitioned in 14 minutes' });
    return t.events();
  },
};
