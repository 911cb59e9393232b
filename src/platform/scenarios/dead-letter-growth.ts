import { min, SECOND, timeline, type Scenario } from './timeline.js';

/** Research: work that exhausted its retries piles up in the dead-letter queue (a systematic failure). */
const NAME = 'dead-letter-growth';
const QUEUE = 'routine-work';

export const deadLetterGrowth: Scenario = {
  name: NAME,
  title: `Dead-letter queue for ${QUEUE} grew from 0 to 87 in an hour`,
  description: 'Failed work lands in the DLQ faster and faster while the task queue backs up behind it.',
  build(start) {
    const t = timeline(NAME, start, 'agent-fleet');
    const points: Array<[number, number, number]> = [
      [60, 0, 120],
      [30, 4, 180],
      [15, 19, 260],
      [5, 52, 410],
      [1, 87, 480],
    ];
    points.forEach(([ago, dead, queued], i) => {
      t.at(Math.floor(i / 2) * SECOND).emit(min(ago), 'queue.depth', { queue: QUEUE, kind: 'dead_letter', depth: dead });
      t.emit(min(ago), 'queue.depth', { queue: QUEUE, kind: 'task', depth: queued });
    });
    return t.events();
  },
};
