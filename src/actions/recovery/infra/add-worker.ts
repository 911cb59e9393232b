import { z } from 'zod';
import { ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';

/**
 * Task queue growing (self-healing research, "Growing queue = either slow processing or blocked
 * agents"): one more worker for the queue. Approval-gated (src/auth/requirements.ts): it adds
 * cost. The platform refuses it while a worker is blocked, the runbook's "Add capacity only once
 * nothing is blocked".
 */
export const addWorker = defineRecoveryAction({
  kind: 'add_worker',
  targetKind: 'queue',
  progress: 'adding a worker…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const added = await deps.platform.perform('addWorker', targetId, {}, call);
    if (!added.ok) return notAnswered(added.error, `worker added for ${targetId}`);
    const { worker, queue: q, claimed } = added.value;
    return ok({ text: `worker ${worker.id} added for ${q.queue} (${worker.status}) ✅: it took ${claimed} task${claimed === 1 ? '' : 's'}, ${q.depth} still queued and draining` });
  },
});
