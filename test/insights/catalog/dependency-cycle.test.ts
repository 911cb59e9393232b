import { describe, expect, it } from 'vitest';
import entry, { findCycles } from '../../../src/insights/catalog/dependency-cycle.js';
import { detect, stored } from '../../support/signals.js';

const dep = (taskId: string, ...dependsOn: string[]) => stored('task.dependency', 14, { taskId, dependsOn, workstream: 'ws-ulid-002' });

describe('dependency cycle (recovery procedures)', () => {
  it('finds the cycle with a DFS and lists its tasks in dependency order', () => {
    const [d, ...rest] = detect(entry, [dep('task-001', 'task-002'), dep('task-002', 'task-001'), dep('task-003', 'task-001')]);
    expect(rest).toEqual([]);
    expect(d!.summary).toBe('Dependency cycle: task-001 → task-002 → task-001.');
    expect(d!.entities.map((e) => e.id)).toEqual(['task-001', 'task-002']);
    expect(d!.fields).toEqual([{ label: 'Workstream', value: 'ws-ulid-002' }]);
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
