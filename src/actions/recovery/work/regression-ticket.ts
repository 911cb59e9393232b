import type { Intent, RejectedOutput } from '../../../platform/operations/work.js';
import type { TicketDraft } from '../../../tickets/port.js';

const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'unnamed';

/** A fenced block a tracker shows as it was: the input and output verbatim, however they are formatted. */
const attached = (label: string, value: string | null): string[] => [`${label}:`, '```', value ?? '(the platform did not keep it)', '```'];

/**
 * The regression case of a rejected output (playbook scenario 2, "Capture as VCR test case":
 * the raw signal and the output exported as a fixture), as a ticket for whoever owns the fix: the
 * input and the rejected output attached, so the test can be written from the ticket alone. One
 * ticket per intent: a repeated failure files nothing new while it is open.
 */
export function regressionTicket(intent: Intent, rejected: RejectedOutput): TicketDraft {
  const agent = intent.agent ?? 'the agent';
  const confidence = rejected.confidence === null ? '' : ` at confidence ${rejected.confidence.toFixed(2)}`;
  return {
    fingerprint: `regression-${slug(agent)}-${slug(intent.id)}`,
    title: `Regression case: ${agent} output rejected for intent ${intent.id}`,
    description: [
      `Validation rejected the output of ${agent} for intent ${intent.id}${confidence}: ${rejected.detail ?? 'no detail given'}.`,
      `The intent was marked FAILED ("${intent.errorReason ?? 'no reason given'}"). Capture the case as a VCR test case so the fix is proven against it.`,
      '',
      ...attached('Input (the raw signal)', rejected.input),
      '',
      ...attached('Rejected output', rejected.output),
    ].join('\n'),
    labels: ['regression', 'hallucination', 'agent-improvement'],
    // The playbook's escalation contact for hallucinations.
    owner: 'AI Engineering Lead',
    deliverables: [
      'VCR test case from the attached input and rejected output',
      'Property-based test that catches the whole class of invalid values',
      'Schema fix: a constrained type for the field',
    ],
  };
}
