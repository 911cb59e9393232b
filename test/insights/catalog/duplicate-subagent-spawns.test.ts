import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/duplicate-subagent-spawns.js';
import { detect, stored } from '../../support/signals.js';

const spawn = (minutes: number, agent: string, expectedConcurrency?: number) =>
  stored('subagent.spawned', minutes, { taskType: 'memory-sync', agent, ...(expectedConcurrency ? { expectedConcurrency } : {}) });

describe('duplicate subagent spawns (self-healing research)', () => {
  it('uses the research alert: "4 memory-sync tasks running (expected max: 1)"', () => {
    const [d] = detect(entry, [spawn(19, 'm1'), spawn(13, 'm2'), spawn(7, 'm3'), spawn(1, 'm4')]);
    expect(d!.scope).toBe('memory-sync');
    expect(d!.summary).toBe('4 memory-sync tasks running (expected max: 1).');
    expect(d!.entities.map((e) => e.id)).toEqual(['m1', 'm2', 'm3', 'm4']);
    // The research's guard from chat: keep the oldest, stop the rest, after a confirmation.
    const [stop, dismiss] = entry.actions(d!);
    expect(stop).toMatchObject({ action: 'stop_duplicate_spawns', label: 'Stop duplicates (keep m1)', target: { kind: 'agent', id: 'm1' } });
    expect(stop!.confirm).toBe('Stop m2, m3, m4 and keep m1, the oldest? Each is signalled to save its state, then terminated.');
    expect(dismiss!.action).toBe('dismiss');
  });

  it('counts only subagents whose task has not ended since it was spawned', () => {
    const ended = (minutes: number, taskId: string) => stored('task.state', minutes, { taskId, taskType: 'memory-sync', state: 'cancelled' });
    expect(detect(entry, [spawn(19, 'm1'), spawn(13, 'm2'), ended(2, 'm2')])).toEqual([]);
    // An end reported before the spawn is an earlier run of that name.
    expect(detect(entry, [ended(20, 'm2'), spawn(19, 'm1'), spawn(13, 'm2')])).toHaveLength(1);
  });

  it('stays quiet at the expected concurrency, including a sender-declared limit', () => {
    expect(detect(entry, [spawn(45, 'old'), spawn(1, 'm1')])).toEqual([]);
    expect(detect(entry, [spawn(5, 'm1', 2), spawn(1, 'm2', 2)])).toEqual([]);
  });
});
