import { z } from 'zod';
import { ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';
import { calmedWords } from './storm-words.js';

const NEEDS_REASON = 'Pausing a routine needs a reason (at least 3 characters): it stays paused until someone resumes it, and the reason says why.';

/**
 * Retry storm (self-healing research): throttle the routine retrying with the others, so the
 * dependency it floods can recover. A card's button gives the reason (who paused it, where).
 */
export const pauseRoutine = defineRecoveryAction({
  kind: 'pause_routine',
  targetKind: 'routine',
  progress: 'pausing…',
  params: z.object({
    reason: z.string({ error: NEEDS_REASON }).trim().min(3, { error: NEEDS_REASON }).max(500, { error: 'The pause reason must be at most 500 characters.' }),
  }),
  async execute(deps, { targetId, params, call }) {
    const paused = await deps.platform.perform('pauseRoutine', targetId, { reason: params.reason }, call);
    if (!paused.ok) return notAnswered(paused.error, `routine ${targetId} paused`);
    const { routine, calmed } = paused.value;
    const effect = calmed.length ? `${calmedWords(calmed)}; ` : '';
    return ok({ text: `routine ${routine.id} paused ✅ (${effect}resume it once its retries back off with jitter)` });
  },
});
