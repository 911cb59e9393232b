import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/workstream-failed.js';
import { detect, stored } from '../../support/signals.js';

const WS = 'ws-ulid-004';
const task = (taskId: string, state: 'completed' | 'failed', error?: string) => stored('task.state', 20, { taskId, state, workstream: WS, ...(error ? { error } : {}) });

describe('workstream failed (recovery procedures)', () => {
  it('counts the failed tasks and offers the procedures\' three ways back, each behind a confirmation', () => {
    const [d] = detect(entry, [
      task('task-001', 'completed'),
      task('task-002', 'completed'),
      task('task-003', 'failed', 'validation failed: 4 tests red'),
      task('task-004', 'failed', 'dependency task-003 failed'),
      stored('workstream.state', 7, { workstream: WS, state: 'failed', failedTasks: 2 }),
    ]);
    expect(d!.summary).toBe('Workstream ws-ulid-004 failed (2 of 4 tasks).');
    expect(d!.entities.map((e) => e.id)).toEqual([WS, 'task-003', 'task-004']);
    const actions = entry.actions(d!);
    expect(actions.map((a) => [a.action, a.label, a.target?.id])).toEqual([
      ['retry_failed_tasks', 'Retry failed tasks', WS],
      ['resume_workstream', 'Resume from task-003', 'task-003'],
      ['resume_workstream', 'Resume from task-004', 'task-004'],
      ['rollback_workstream', 'Roll back to checkpoint', WS],
      ['dismiss', 'Dismiss', undefined],
    ]);
    expect(actions[0]!.confirm).toBe('Retry the 2 failed tasks of ws-ulid-004? Each runs once more; completed tasks are kept.');
    expect(actions[1]!.confirm).toMatch(/^Resume ws-ulid-004 from task-003\? Do it once task-003 is fixed by hand/);
    expect(actions[3]!.confirm).toContain('checkpoint');
  });

  it('stays quiet while running and after a rollback', () => {
    expect(detect(entry, [stored('workstream.state', 1, { workstream: WS, state: 'running' })])).toEqual([]);
    expect(detect(entry, [stored('workstream.state', 5, { workstream: WS, state: 'failed' }), stored('workstream.state', 1, { workstream: WS, state: 'rolled_back' })])).toEqual([]);
  });
});
