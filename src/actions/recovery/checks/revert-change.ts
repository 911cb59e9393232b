import { z } from 'zod';
import { percent } from '../../../insights/catalog/helpers.js';
import { ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';

/**
 * Trace replay regression, a breaking change (playbook scenario 6, "Breaking change: Revert the
 * commit"): the platform reverts the commit that brought the suite below its baseline and replays
 * it (src/platform/operations/checks.ts). Gated by approval (src/auth/requirements.ts): a revert
 * changes what runs in production. The commit comes from the suite, never from the button.
 */
export const revertChange = defineRecoveryAction({
  kind: 'revert_change',
  targetKind: 'suite',
  progress: 'reverting the change and replaying the suite…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const reverted = await deps.platform.perform('revertChange', targetId, {}, call);
    if (!reverted.ok) return notAnswered(reverted.error, `the change behind ${targetId} reverted`);
    const r = reverted.value;
    const fixed = r.fixedTraces.length ? ` (${r.fixedTraces.join(', ')} pass again)` : '';
    return ok({ text: `commit ${r.revertedCommit} reverted${r.commit ? ` by ${r.commit}` : ''}: ${r.suite} replays at ${percent(r.passRate)} again ✅${fixed}` });
  },
});
