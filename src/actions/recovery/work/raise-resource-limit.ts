import { z } from 'zod';
import { ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';

/**
 * Resource exhausted, when the limit is the problem (recovery procedures, `set_resource_limit.py
 * --max-holders 2`): one holder more than now. Approval-gated: the system never raises a limit
 * by itself, and more holders is more spend.
 */
export const raiseResourceLimit = defineRecoveryAction({
  kind: 'raise_resource_limit',
  targetKind: 'resource',
  progress: 'raising its limit…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const raised = await deps.platform.perform('raiseResourceLimit', targetId, {}, call);
    if (!raised.ok) return notAnswered(raised.error, `limit of resource ${targetId} raised`);
    const r = raised.value;
    const waiting = r.waiting ? `, ${r.waiting} waiting` : '';
    return ok({ text: `resource ${r.id} now allows ${r.limit} holders ✅ (${r.used} held${waiting})` });
  },
});
