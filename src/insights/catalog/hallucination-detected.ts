import { z } from 'zod';
import type { SignalWindow } from '../signal-window.js';
import { defineEntry, type ActionSpec, type Detection } from './entry.js';
import { dismiss, latestBy, text, upTo } from './helpers.js';

/**
 * When each intent was last reported FAILED (`agent.execution` naming it, the platform's report
 * once an operator tags it, src/platform/operations/work.ts failIntent): a hallucination whose
 * intent failed after it has been dealt with.
 */
function failedIntents(window: SignalWindow, now: number): Map<string, number> {
  const failed = new Map<string, number>();
  for (const s of upTo(window, 'agent.execution', now)) {
    const intent = text(s.attributes.intent);
    if (intent && s.attributes.state === 'failed') failed.set(intent, s.at);
  }
  return failed;
}

/** Playbook scenario 2: a confident output (> 0.9) that validation proves impossible. */
export default defineEntry({
  kind: 'hallucination_detected',
  source: 'playbook',
  name: 'AI hallucination detected',
  severity: 'critical',
  category: 'workflow',
  // The playbook's symptom: "Confidence score is high (> 0.9) but validation fails".
  thresholds: z.object({ confidence: z.number().min(0).max(1).default(0.9) }),
  detect({ window, now, thresholds }) {
    const failed = failedIntents(window, now);
    return [...latestBy(window, 'agent.validation', 'agent', now).values()]
      .filter((s) => s.attributes.result === 'hallucination' && s.attributes.confidence > thresholds.confidence)
      .filter((s) => {
        const failedAt = failed.get(text(s.attributes.intent) ?? '');
        return failedAt === undefined || failedAt < s.at;
      })
      .map(({ attributes: a }): Detection => {
        const intent = text(a.intent);
        return {
          scope: a.agent,
          summary: intent ? `Hallucination detected in IntentInstance ${intent}.` : `Hallucination detected in output of ${a.agent}.`,
          ...(a.detail ? { detail: a.detail } : {}),
          entities: [
            { kind: 'agent', id: a.agent, ...(intent ? { detail: `intent ${intent}` } : {}) },
            ...(intent ? [{ kind: 'intent' as const, id: intent, label: `Intent ${intent}`, detail: `output of ${a.agent}` }] : []),
          ],
          fields: [{ label: 'Confidence', value: a.confidence.toFixed(2) }],
          facts: { confidence: a.confidence, ...(intent ? { intent } : {}) },
        };
      });
  },
  title: (d) => `Hallucination by ${d.scope}`,
  actions: (d) => [
    ...d.entities
      .filter((e) => e.kind === 'intent')
      .map((intent): ActionSpec => ({
        action: 'fail_intent',
        label: `Fail intent ${intent.id}`,
        target: intent,
        style: 'danger',
        confirm: `Mark intent ${intent.id} FAILED ("Hallucination: …") and file a regression ticket with its input and the rejected output?`,
      })),
    dismiss,
  ],
  runbook: [
    'Tag the intent as FAILED with the reason (e.g. "Hallucination: negative weight").',
    'Capture the raw signal and expected output as a VCR test case.',
    'Add a property-based test that catches the whole class of invalid values.',
    'Deploy the schema fix (a constrained type, e.g. weight > 0).',
  ],
  preventiveTicket: {
    title: 'Use constrained types in all intent models',
    description: 'An LLM produced an impossible value (weight = -50 lbs) that the schema accepted. All Pydantic models must use constrained types (confloat, conint).',
    owner: 'AI Engineering Lead',
    deliverables: ['Constrained types on every intent field', 'Property-based tests for invalid values', 'VCR fixture for the hallucination'],
  },
  causedBy: ['context_window_high'],
  recoveryRank: 30,
});
