import { z } from 'zod';
import { defineEntry, type Detection } from './entry.js';
import { dismiss, latestBy, text } from './helpers.js';

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
    return [...latestBy(window, 'agent.validation', 'agent', now).values()]
      .filter((s) => s.attributes.result === 'hallucination' && s.attributes.confidence > thresholds.confidence)
      .map(({ attributes: a }): Detection => {
        const intent = text(a.intent);
        return {
          scope: a.agent,
          summary: intent ? `Hallucination detected in IntentInstance ${intent}.` : `Hallucination detected in output of ${a.agent}.`,
          ...(a.detail ? { detail: a.detail } : {}),
          entities: [{ kind: 'agent', id: a.agent, ...(intent ? { detail: `intent ${intent}` } : {}) }],
          fields: [{ label: 'Confidence', value: a.confidence.toFixed(2) }],
          facts: { confidence: a.confidence, ...(intent ? { intent } : {}) },
        };
      });
  },
  title: (d) => `Hallucination by ${d.scope}`,
  actions: () => [dismiss],
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
