import { z } from 'zod';
import { ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';

/**
 * Dead letters growing (self-healing research, "Dead Letter Queues": "Replay specific failed tasks
 * after fixing the underlying issue"): the platform puts every dead letter back on the task queue.
 * The card's confirmation says to do it once the cause is fixed, or they land here again.
 */
export const replayDeadLetters = defineRecoveryAction({
  kind: 'replay_dead_letters',
  targetKind: 'queue',
  progress: 'replaying the dead letters…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const replayed = await deps.platform.perform('replayDeadLetters', targetId, {}, call);
    if (!replayed.ok) return notAnswered(replayed.error, `dead letters of ${targetId} replayed`);
    const { queue: q, replayed: n } = replayed.value;
    return ok({ text: `${n} dead letter${n === 1 ? '' : 's'} of ${q.queue} replayed onto its task queue ✅ (dead-letter queue ${q.deadLetters === 0 ? 'empty' : `at ${q.deadLetters}`}; ${q.depth} tasks queued)` });
  },
});
