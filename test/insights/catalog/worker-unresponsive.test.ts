import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/worker-unresponsive.js';
import { detect, stored } from '../../support/signals.js';

const beat = (minutes: number, worker = 'worker-001') => stored('worker.heartbeat', minutes, { worker, intervalSeconds: 60 });
const executing = (taskId: string) => stored('task.state', 8, { taskId, state: 'executing', worker: 'worker-001' });

describe('worker unresponsive (recovery procedures)', () => {
  it('fires after 3 minutes without a heartbeat, naming the stranded tasks', () => {
    const [d, ...rest] = detect(entry, [
      beat(5),
      executing('task-101'),
      executing('task-102'),
      stored('worker.state', 4.5, { worker: 'worker-001', state: 'unresponsive' }),
      beat(1, 'worker-002'),
    ]);
    expect(rest).toEqual([]);
    expect(d!.summary).toBe('Worker worker-001 unresponsive for more than 3 minutes.');
    expect(d!.entities.map((e) => e.id)).toEqual(['worker-001', 'task-101', 'task-102']);
    const actions = entry.actions(d!);
    expect(actions.map((a) => a.action)).toEqual(['restart_worker', 'force_restart_worker', 'dismiss']);
    expect(actions[1]!.confirm).toContain('reassign');
  });

  it('fires at once when the orchestrator marks it unresponsive', () => {
    expect(detect(entry, [beat(1), stored('worker.state', 0.5, { worker: 'worker-001', state: 'unresponsive' })]).map((d) => d.summary)).toEqual([
      'Worker worker-001 unresponsive.',
    ]);
  });

  it('stays quiet just under 3 minutes of silence, and for a worker stopped on purpose', () => {
    expect(detect(entry, [beat(2.9)])).toEqual([]);
    expect(detect(entry, [beat(10), stored('worker.state', 9, { worker: 'worker-001', state: 'stopped' })])).toEqual([]);
  });
});
