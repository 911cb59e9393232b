import { z } from 'zod';
import { ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';

/** Partner trust low (playbook scenario 3, steps 1 and 2): one tier down, every signal to a human. */
export const lowerPartnerAutonomy = defineRecoveryAction({
  kind: 'lower_partner_autonomy',
  targetKind: 'partner',
  progress: 'lowering its autonomy…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const lowered = await deps.platform.perform('lowerPartnerAutonomy', targetId, {}, call);
    if (!lowered.ok) return notAnswered(lowered.error, `autonomy of partner ${targetId} lowered`);
    const p = lowered.value;
    const tier = p.autonomyCeiling === p.previousCeiling ? `stays at autonomy tier ${p.autonomyCeiling} (the lowest)` : `lowered to autonomy tier ${p.autonomyCeiling} (was ${p.previousCeiling})`;
    return ok({ text: `partner ${p.partner} ${tier} ✅; all its signals go to human review, and a card offers to restore it when the probation ends` });
  },
});
