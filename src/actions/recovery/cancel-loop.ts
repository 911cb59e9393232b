import { z } from 'zod';
import { ok } from '../../result.js';
import { cancelReason, defineRecoveryAction, notAnswered } from './action.js';

export const DEFAULT_CANCEL_REASON = 'cancelled from chat';

/** Cancels a runaway agentic loop (the seed's ticket #55, stuck for 52 minutes). */
export const cancelLoop = defineRecoveryAction({
  kind: 'cancel_loop',
  targetKind: 'loop',
  progress: 'cancelling…',
  params: z.object({
    reason: cancelReason(DEFAULT_CANCEL_REASON),
  }),
  async execute(deps, { targetId, params, call }) {
    const cancelled = await deps.platform.cancelLoop(targetId, params.reason, call);
    if (!cancelled.ok) return notAnswered(cancelled.error, `loop ${targetId} cancelled (${params.reason})`);
    const loop = cancelled.value;
    const name = loop.ticket ? `loop ${loop.id} (ticket ${loop.ticket})` : `loop ${loop.id}`;
    return ok({ text: `${name} cancelled ✅ (${params.reason})` });
  },
});
