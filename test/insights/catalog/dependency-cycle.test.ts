import { describe, expect, it } from 'vitest';
import entry, { findCycles } from '../../../src/insights/catalog/dependency-cycle.js';
import { detect, stored } from '../../support/signals.js';

const dep = (taskId: string, ...dependsOn: string[]) => stored('task.dependency', 14, { taskId, dependsOn, workstream: 'ws-ulid-002' });

describe('dependency cycle (recovery procedures)', () => {
  it('finds the cycle with a DFS and lists its tasks in dependency order', () => {
    const [d, ...rest] = detect(entry, [dep('task-001', 'task-002'), dep('task-002', 'task-001'), dep('task-003', 'task-001')]);
    expect(rest).toEqual([]);
    expect(d!.summary).toBe('Dependency cycle: task-001 → task-002 → task-001.');
    expect(d!.entities.map((e) => `${e.kind}:${e.id}`)).toEqual(['task:task-001', 'task:task-002', 'dependency:task-001>task-002', 'dependency:task-002>task-001']);
    expect(d!.fields).toEqual([{ label: 'Workstream', value: 'ws-ulid-002' }]);
    expect(entry.title(d!)).toBe('Dependency cycle (2 tasks)');
  });

  it('names both tasks and both dependencies on the card, one button each, every one behind a confirmation', () => {
    const [d] = detect(entry, [dep('task-001', 'task-002'), dep('task-002', 'task-001')]);
    const actions = entry.actions(d!);
    expect(actions.map((a) => [a.action, a.label, a.target?.id])).toEqual([
      ['remove_dependency', 'Remove task-001 → task-002', 'task-001>task-002'],
      ['remove_dependency', 'Remove task-002 → task-001', 'task-002>task-001'],
      ['cancel_task', 'Cancel task-001', 'task-001'],
      ['cancel_task', 'Cancel task-002', 'task-002'],
      ['dismiss', 'Dismiss', undefined],
    ]);
    expect(actions[0]!.confirm).toBe('Remove the dependency of task-001 on task-002? task-001 may then run before task-002 has finished.');
    for (const a of actions.slice(0, 4)) expect(a.confirm).toBeTruthy();
  });

  it('gives one cycle the same scope whichever task the search starts from', () => {
    const forward = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]);
    const backward = new Map([['c', ['a']], ['b', ['c']], ['a', ['b']]]);
    expect(findCycles(forward)).toEqual([['a', 'b', 'c']]);
    expect(findCycles(backward)).toEqual([['a', 'b', 'c']]);
    expect(findCycles(new Map([['x', ['x']]]))).toEqual([['x']]);
  });

  it('stays quiet on a DAG, even with a diamond', () => {
    expect(detect(entry, [dep('d', 'b', 'c'), dep('b', 'a'), dep('c', 'a'), dep('a')])).toEqual([]);
  });
});
