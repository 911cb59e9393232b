import { z } from 'zod';
import { ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';

/** Team-X runbook: "Switch back when the primary is healthy." */
export const restoreProvider = defineRecoveryAction({
  kind: 'restore_provider',
  targetKind: 'provider',
  progress: 'switching back…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const routed = await deps.platform.perform('restoreProvider', targetId, {}, call);
    if (!routed.ok) return notAnswered(routed.error, `new work routed back to ${targetId}`);
    const r = routed.value;
    return ok({ text: `new work goes to ${r.provider} again ✅${r.previouslyRoutedTo ? ` (it had gone to ${r.previouslyRoutedTo})` : ''}` });
  },
});
