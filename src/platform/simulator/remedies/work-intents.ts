import { z } from 'zod';
import { Intent, type RejectedOutput } from '../../operations/work.js';
import { ok } from '../../../result.js';
import { fail, guard, simEvent } from '../context.js';
import { changeObject } from '../objects.js';
import type { Handlers } from './handler.js';
import { INTENT } from './work-events.js';

/** The playbook's limit: "Intent stuck in EXECUTING state for > 5 minutes" ("Agent timeout after 300s"). */
const DEFAULT_TIMEOUT_SECONDS = 300;

/** An intent as its events left it (./work-events.ts); `agent` is in every one, so an empty row is no intent. */
const IntentState = z.object({
  agent: z.string(),
  executionId: z.string().optional(),
  state: Intent.shape.state.default('created'),
  executingSince: z.string().optional(),
  timeoutSeconds: z.number().positive().optional(),
  errorReason: z.string().nullable().optional(),
  killedAt: z.string().optional(),
  validation: z.object({ result: z.string(), confidence: z.number(), detail: z.string().optional() }).optional(),
  input: z.string().optional(),
  output: z.string().optional(),
});
type IntentState = z.infer<typeof IntentState>;

const toIntent = (id: string, s: IntentState): Intent => Intent.parse({ id, agent: s.agent, state: s.state, errorReason: s.errorReason ?? null });

/** What validation rejected, kept for the regression case; none when nothing was rejected. */
const rejectedOf = (s: IntentState): RejectedOutput | null =>
  s.validation && s.validation.result !== 'passed'
    ? { input: s.input ?? null, output: s.output ?? null, detail: s.validation.detail ?? null, confidence: s.validation.confidence }
    : null;

/** The playbook's reason for a rejected output: "Hallucination: negative weight". */
function failReason(s: IntentState): string {
  if (s.validation?.result === 'hallucination') return `Hallucination: ${s.validation.detail ?? 'validation rejected the output'}`;
  if (s.validation?.result === 'failed') return `Validation failed: ${s.validation.detail ?? 'the output was rejected'}`;
  return 'Failed by an operator';
}

/** The simulator's side of killStuckTask and failIntent (src/platform/operations/work.ts). */
export const intentRemedies: Handlers<'killStuckTask' | 'failIntent'> = (ctx) => {
  const db = ctx.database.db;
  const ref = (id: string) => ({ kind: INTENT, id, schema: IntentState });
  /** A failed intent's execution ends failed, as the platform reports it: the timeout and hallucination insights see it. */
  const reportFailed = (id: string, s: IntentState, at: Date) =>
    ctx.publish([simEvent('agent.execution', { agent: s.agent, executionId: s.executionId ?? id, intent: id, state: 'failed', reason: s.errorReason ?? undefined }, at)]);

  return {
    killStuckTask: (intentId, body) =>
      guard(`kill the task executing intent ${intentId}`, async () => {
        const at = ctx.now();
        const changed = await changeObject(db, at, ref(intentId), (current) => {
          if (!current) return fail('not_found', `no intent named ${intentId}`);
          if (current.state !== 'executing') return fail('invalid_state', `intent ${intentId} is ${current.state}; only an executing intent has a task to kill`);
          const errorReason = body.reason ?? `Agent timeout after ${current.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS}s`;
          return ok({ ...current, state: 'failed' as const, errorReason, killedAt: at.toISOString() });
        });
        if (!changed.ok) return changed;
        const after = changed.value.after;
        await reportFailed(intentId, after, at);
        return ok({ intent: toIntent(intentId, after), killedExecutionId: after.executionId ?? intentId });
      }),

    failIntent: (intentId, body) =>
      guard(`fail intent ${intentId}`, async () => {
        const at = ctx.now();
        const changed = await changeObject(db, at, ref(intentId), (current) => {
          if (!current) return fail('not_found', `no intent named ${intentId}`);
          if (current.state === 'failed') return fail('invalid_state', `intent ${intentId} is already FAILED (${current.errorReason ?? 'no reason given'})`);
          return ok({ ...current, state: 'failed' as const, errorReason: body.reason ?? failReason(current) });
        });
        if (!changed.ok) return changed;
        const after = changed.value.after;
        await reportFailed(intentId, after, at);
        return ok({ intent: toIntent(intentId, after), rejected: rejectedOf(after) });
      }),
  };
};
