import { min, SECOND, timeline, type Scenario } from './timeline.js';

/** Orchestration: a worker stops answering health checks with tasks still assigned to it. */
const NAME = 'worker-unresponsive';
const WS = 'ws-ulid-001';

export const workerUnresponsive: Scenario = {
  name: NAME,
  title: 'Worker worker-001 unresponsive for more than 3 minutes',
  description: 'worker-001 misses its heartbeats for 5 minutes and did not recover after the 30 s health-check wait; two tasks are stranded on it.',
  build(start) {
    const t = timeline(NAME, start, 'orchestrator');
    t.at(0).repeat(min(12), min(5), min(1), 'worker.heartbeat', { worker: 'worker-001', intervalSeconds: 60 });
    t.repeat(min(12), min(5), min(1), 'worker.heartbeat', { worker: 'worker-002', intervalSeconds: 60 });
    t.emit(min(10), 'task.state', { taskId: 'task-101', state: 'executing', workstream: WS, worker: 'worker-001', attempt: 1, maxAttempts: 3 });
    t.emit(min(8), 'task.state', { taskId: 'task-102', state: 'executing', workstream: WS, worker: 'worker-001', attempt: 1, maxAttempts: 3 });
    t.at(1 * SECOND).emit(min(4.5), 'worker.state', { worker: 'worker-001', state: 'unresponsive' });
    t.emit(min(4), 'probe.result', { probe: 'health:worker-001', ok: false, detail: 'no answer after the 30 s health-check wait' });
    t.at(2 * SECOND).repeat(min(4), min(1), min(1), 'worker.heartbeat', { worker: 'worker-002', intervalSeconds: 60 });
    return t.events();
  },
};
