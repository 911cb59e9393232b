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
  });

  it('stays quiet at the expected concurrency, including a sender-declared limit', () => {
    expect(detect(entry, [spawn(45, 'old'), spawn(1, 'm1')])).toEqual([]);
    expect(detect(entry, [spawn(5, 'm1', 2), spawn(1, 'm2', 2)])).toEqual([]);
  });
});
