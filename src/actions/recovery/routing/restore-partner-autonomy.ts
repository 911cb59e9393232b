import { z } from 'zod';
import { ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';

/** Playbook scenario 3, step 5, after the fix and the probation: review off, one tier back up. */
export const restorePartnerAutonomy = defineRecoveryAction({
  kind: 'restore_partner_autonomy',
  targetKind: 'partner',
  progress: 'restoring its autonomy…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const restored = await deps.platform.perform('restorePartnerAutonomy', targetId, {}, call);
    if (!restored.ok) return notAnswered(restored.error, `autonomy of partner ${targetId} restored`);
    const p = restored.value;
    return ok({ text: `partner ${p.partner} back to autonomy tier ${p.autonomyCeiling} (was ${p.previousCeiling}) ✅; its signals no longer wait for human review` });
  },
});
