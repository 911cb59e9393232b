import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/resource-exhausted.js';
import { detect, stored } from '../../support/signals.js';

describe('resource exhausted (recovery procedures)', () => {
  it('names the holder and counts the tasks waiting for the resource', () => {
    const [d] = detect(entry, [
      stored('resource.usage', 20, { resource: 'git_repo_write', used: 1, limit: 1, heldBy: 'task-201' }),
      stored('task.state', 18, { taskId: 'task-202', state: 'pending', waitingFor: 'git_repo_write' }),
      stored('task.state', 14, { taskId: 'task-203', state: 'pending', waitingFor: 'git_repo_write' }),
    ]);
    expect(d!.summary).toBe('Resource git_repo_write exhausted (1 of 1 held, 2 tasks waiting).');
    expect(d!.fields).toEqual([{ label: 'Held by', value: 'task-201' }]);
    // Raise the limit by one holder (approval-gated), or cancel the holder (after a confirmation).
    expect(entry.actions(d!)).toEqual([
      { action: 'raise_resource_limit', label: 'Raise limit to 2', target: { kind: 'resource', id: 'git_repo_write' }, style: 'primary' },
      expect.objectContaining({ action: 'cancel_task', label: 'Cancel task-201', target: expect.objectContaining({ kind: 'task', id: 'task-201' }), confirm: expect.stringContaining('released') }),
      expect.objectContaining({ action: 'dismiss' }),
    ]);
  });

  it('stays quiet under the limit', () => {
    expect(detect(entry, [stored('resource.usage', 1, { resource: 'git_repo_write', used: 1, limit: 2 })])).toEqual([]);
  });
});
