import { describe, expect, it } from 'vitest';
import deadLetter from '../../../src/insights/catalog/dead-letter-growing.js';
import taskQueue from '../../../src/insights/catalog/task-queue-growing.js';
import { detect, stored } from '../../support/signals.js';

const depth = (minutes: number, kind: 'task' | 'dead_letter', value: number) => stored('queue.depth', minutes, { queue: 'routine-work', kind, depth: value });

describe('task queue growing (self-healing research)', () => {
  it('fires when the queue rises over the hour and is above 100', () => {
    const [d] = detect(taskQueue, [depth(60, 'task', 120), depth(30, 'task', 260), depth(1, 'task', 480)]);
    expect(d!.summary).toBe('Task queue "routine-work" growing: 120 → 480 in 59 minutes.');
  });

  it('clears once the queue starts draining: its newest depth below the one before, whatever the hour shows', () => {
    expect(detect(taskQueue, [depth(60, 'task', 60), depth(5, 'task', 190), depth(2, 'task', 205), depth(1, 'task', 203)])).toEqual([]);
    expect(detect(taskQueue, [depth(60, 'task', 60), depth(2, 'task', 203), depth(1, 'task', 230)])).toHaveLength(1);
  });

  it('stays quiet when draining, below 100, or with a single sample', () => {
    expect(detect(taskQueue, [depth(30, 'task', 480), depth(1, 'task', 120)])).toEqual([]);
    expect(detect(taskQueue, [depth(30, 'task', 50), depth(1, 'task', 99)])).toEqual([]);
    expect(detect(taskQueue, [depth(1, 'task', 480)])).toEqual([]);
  });
});

describe('dead-letter queue growing (self-healing research)', () => {
  it('fires when dead letters pile up', () => {
    const [d] = detect(deadLetter, [depth(60, 'dead_letter', 0), depth(5, 'dead_letter', 52), depth(1, 'dead_letter', 87), depth(1, 'task', 480)]);
    expect(d!.summary).toBe('Dead-letter queue for "routine-work" grew from 0 to 87 in 59 minutes.');
  });

  it('stays quiet when flat or emptied', () => {
    expect(detect(deadLetter, [depth(30, 'dead_letter', 5), depth(1, 'dead_letter', 5)])).toEqual([]);
    expect(detect(deadLetter, [depth(30, 'dead_letter', 3), depth(1, 'dead_letter', 0)])).toEqual([]);
  });
});
