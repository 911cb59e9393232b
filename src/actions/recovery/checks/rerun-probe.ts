import { z } from 'zod';
import type { ProbeRun } from '../../../platform/operations/checks.js';
import { err, ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';

/**
 * Probe failing: the platform runs the probe again now (src/platform/operations/checks.ts), and
 * the card shows what it got. A probe that still fails is the action's ❌ with the probe's own
 * answer as the reason, and Retry: once the cause is fixed, pressing it again is the check.
 */
export const rerunProbe = defineRecoveryAction({
  kind: 'rerun_probe',
  targetKind: 'probe',
  progress: 'running the probe…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const ran = await deps.platform.perform('rerunProbe', targetId, {}, call);
    if (!ran.ok) return notAnswered(ran.error, `probe ${targetId} re-run`);
    const run = ran.value;
    if (run.ok) return ok({ text: `probe ${run.probe} passed ✅${answered(run)}` });
    return err({ code: 'invalid_state', text: `probe ${run.probe} still failing (${run.status})${answered(run)} ❌`, retryable: true });
  },
});

/** ": asked "What is 2 + 2?", answered "4" (expected "4")", or the probe's detail when it has no known answer. */
function answered(run: ProbeRun): string {
  const parts = [
    ...(run.input ? [`asked "${run.input}"`] : []),
    ...(run.output ? [`answered "${run.output}"`] : run.input ? ['no answer'] : []),
    ...(run.expected ? [`expected "${run.expected}"`] : []),
  ];
  const said = parts.length ? parts.join(', ') : undefined;
  const detail = run.detail && !(run.ok && said) ? run.detail : undefined;
  const all = [said, detail].filter(Boolean).join('; ');
  return all ? `: ${all}` : '';
}
