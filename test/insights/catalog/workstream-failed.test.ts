import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/workstream-failed.js';
import { detect, stored } from '../../support/signals.js';

const WS = 'ws-ulid-004';
const task = (taskId: string, state: 'completed' | 'failed', error?: string) => stored('task.state', 20, { taskId, state, workstream: WS, ...(error ? { error } : {}) });

describe('workstream failed (recovery procedures)', () => {
  it('counts the failed tasks and offers a rollback behind a confirmation', () => {
    const [d] = detect(entry, [
      task('task-001', 'completed'),
      task('task-002', 'completed'),
      task('task-003', 'failed', 'validation failed: 4 tests red'),
      task('task-004', 'failed', 'dependency task-003 failed'),
      stored('workstream.state', 7, { workstream: WS, state: 'failed', failedTasks: 2 }),
    ]);
    expect(d!.summary).toBe('Workstream ws-ulid-004 failed (2 of 4 tasks).');
    expect(d!.entities.map((e) => e.id)).toEqual([WS, 'task-003', 'task-004']);
    const [rollback, dismiss] = entry.actions(d!);
    expect(rollback).toMatchObject({ action: 'rollback_workstream', target: { id: WS }, confirm: expect.stringContaining('checkpoint') });
    expect(dismiss!.action).toBe('dismiss');
  });

  it('stays quiet while running and after a rollback', () => {
    expect(detect(entry, [stored('workstream.state', 1, { workstream: WS, state: 'running' })])).toEqual([]);
    expect(detect(entry, [stored('workstream.state', 5, { workstream: WS, state: 'failed' }), stored('workstream.state', 1, { workstream: WS, state: 'rolled_back' })])).toEqual([]);
  });
});
