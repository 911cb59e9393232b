import { z } from 'zod';
import { ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';
import { calmedWords } from './storm-words.js';

/**
 * Retry storm (self-healing research, "circuit breaker pattern"): open the breaker guarding the
 * endpoint, so its callers fail fast instead of reproducing the failure they retry.
 */
export const openBreaker = defineRecoveryAction({
  kind: 'open_breaker',
  targetKind: 'breaker',
  progress: 'opening…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const opened = await deps.platform.perform('openBreaker', targetId, {}, call);
    if (!opened.ok) return notAnswered(opened.error, `circuit breaker ${targetId} opened`);
    const { breaker, calmed } = opened.value;
    const effect = calmed.length ? `${calmedWords(calmed)}; ` : '';
    return ok({ text: `circuit breaker ${breaker.id} opened ✅ (${effect}reset it once the endpoint recovers)` });
  },
});
