import { z } from 'zod';
import { ok } from '../../result.js';
import { defineRecoveryAction, notAnswered } from './action.js';

const NEEDS_REASON = 'Skipping a task needs a reason (at least 3 characters), for example "not indicative of failure": its dependents will run as if it had succeeded.';

/** Marks a task done without running it, so its dependents proceed; the reason goes on the record. */
export const skipTask = defineRecoveryAction({
  kind: 'skip_task',
  targetKind: 'task',
  progress: 'skipping…',
  params: z.object({
    reason: z.string({ error: NEEDS_REASON }).trim().min(3, { error: NEEDS_REASON }).max(500, { error: 'The skip reason must be at most 500 characters.' }),
  }),
  async execute(deps, { targetId, params, call }) {
    const skipped = await deps.platform.skipTask(targetId, params.reason, call);
    if (!skipped.ok) return notAnswered(skipped.error, `task ${targetId} skipped (${params.reason})`);
    return ok({ text: `task ${skipped.value.id} skipped ✅ (${params.reason})` });
  },
});
