import { z } from 'zod';
import { percent } from '../../../insights/catalog/helpers.js';
import { ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';

/**
 * Trace replay regression, an intentional improvement (playbook scenario 6, step 4, "Update trace
 * fixture"): the failing traces' new output becomes their fixture (src/platform/operations/checks.ts).
 * Gated by approval (src/auth/requirements.ts): accepting new behaviour as correct is a decision.
 */
export const refreshTraceFixture = defineRecoveryAction({
  kind: 'refresh_trace_fixture',
  targetKind: 'suite',
  progress: 'refreshing the trace fixture…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const refreshed = await deps.platform.perform('refreshTraceFixture', targetId, {}, call);
    if (!refreshed.ok) return notAnswered(refreshed.error, `the trace fixture of ${targetId} refreshed`);
    const r = refreshed.value;
    const at = r.commit ? ` at ${r.commit}` : '';
    return ok({ text: `fixture refreshed for ${r.refreshedTraces.join(', ')}: ${r.suite} replays at ${percent(r.passRate)}${at} ✅` });
  },
});
