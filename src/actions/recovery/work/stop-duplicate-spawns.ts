import { z } from 'zod';
import { ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';

/**
 * Duplicate subagent spawns (self-healing research, the idempotency guard applied from chat): the
 * target is the subagent to keep (the card names the oldest), every other running one of its
 * task type is stopped.
 */
export const stopDuplicateSpawns = defineRecoveryAction({
  kind: 'stop_duplicate_spawns',
  targetKind: 'agent',
  progress: 'stopping the duplicates…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const stopped = await deps.platform.perform('stopDuplicateSpawns', targetId, {}, call);
    if (!stopped.ok) return notAnswered(stopped.error, `duplicates of ${targetId} stopped`);
    const s = stopped.value;
    const n = s.stopped.length;
    return ok({ text: `${n} duplicate ${s.taskType} subagent${n === 1 ? '' : 's'} stopped ✅ (${s.stopped.join(', ')}); ${s.kept} kept` });
  },
});
