import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/task-retries-exhausted.js';
import { detect, stored } from '../../support/signals.js';

const task = { taskId: 'task-007', taskType: 'integration-tests', workstream: 'ws-ulid-003', worker: 'worker-002', maxAttempts: 3 };

describe('task retries exhausted (recovery procedures)', () => {
  it('fires when the last attempt fails, with retry and skip behind a confirmation', () => {
    const [d] = detect(entry, [stored('task.state', 2, { ...task, state: 'failed', attempt: 3, error: 'timed out after 600 s' })]);
    expect(d!.summary).toBe('Task task-007 failed after 3 of 3 attempts.');
    expect(d!.fields).toContainEqual({ label: 'Error', value: 'timed out after 600 s' });
    const actions = entry.actions(d!);
    expect(actions.map((a) => a.action)).toEqual(['retry_task', 'skip_task', 'dismiss']);
    expect(actions.slice(0, 2).every((a) => a.confirm && a.target?.id === 'task-007')).toBe(true);
  });

  it('stays quiet while retries remain, or after a retry succeeds', () => {
    expect(detect(entry, [stored('task.state', 2, { ...task, state: 'failed', attempt: 2 })])).toEqual([]);
    expect(
      detect(entry, [stored('task.state', 5, { ...task, state: 'failed', attempt: 3 }), stored('task.state', 1, { ...task, state: 'completed', attempt: 4, maxAttempts: 4 })]),
    ).toEqual([]);
  });
});
