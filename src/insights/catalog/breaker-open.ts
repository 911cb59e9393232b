import { z } from 'zod';
import { defineEntry, type Detection } from './entry.js';
import { dismiss, latestBy, num, percent } from './helpers.js';

/** Playbook scenario 1: "Circuit breaker OPEN for partner P12345". */
export default defineEntry({
  kind: 'breaker_open',
  source: 'playbook',
  name: 'Circuit breaker open',
  severity: 'critical',
  category: 'operational',
  thresholds: z.object({}),
  detect({ window, now }) {
    return [...latestBy(window, 'breaker.state', 'breaker', now).values()]
      .filter((s) => s.attributes.state === 'open')
      .map(({ attributes: a }): Detection => {
        const failures = num(a.failureCount);
        const threshold = num(a.threshold);
        return {
          scope: a.breaker,
          summary: a.partner ? `Circuit breaker OPEN for partner ${a.partner}.` : `Circuit breaker "${a.breaker}" OPEN.`,
          detail: 'Requests are rejected (HTTP 429) until the breaker is reset.',
          entities: [{ kind: 'breaker', id: a.breaker }, ...(a.partner ? [{ kind: 'partner' as const, id: a.partner }] : [])],
          fields: [
            ...(failures !== undefined ? [{ label: 'Failures', value: `${failures}${threshold !== undefined ? ` (threshold ${threshold})` : ''}` }] : []),
            ...(a.failureRate !== undefined ? [{ label: 'Failure rate', value: percent(a.failureRate) }] : []),
          ],
          facts: { ...(a.partner ? { partner: a.partner } : {}), ...(failures !== undefined ? { failures } : {}) },
        };
      });
  },
  title: (d) => `Circuit breaker open: ${d.scope}`,
  actions: (d) => [
    ...d.entities
      .filter((e) => e.kind === 'breaker')
      .map((breaker) => ({
        action: 'reset_breaker' as const,
        label: 'Reset breaker',
        target: breaker,
        style: 'danger' as const,
        confirm: 'Reset only after the partner confirms the fix, or the breaker opens again.',
      })),
    dismiss,
  ],
  runbook: [
    'Identify the partner behind the open breaker.',
    'Check its error rate: how far the failure count exceeded the threshold (the seed: 15 of 10).',
    'Contact the partner through its Account Manager: "Your integration is sending malformed signals."',
    'Reset the breaker after the partner confirms the fix.',
  ],
  preventiveTicket: {
    title: 'Add partners whose circuit breaker opens to the weekly data-quality review list',
    description: 'A partner sent malformed, duplicate signals until its breaker opened. Review such partners weekly so the next drift is caught before the breaker trips.',
    owner: 'DevOps Lead',
    deliverables: ['Partner added to the weekly data-quality review', 'Breaker-open history in the review'],
  },
  causedBy: ['retry_storm', 'partner_trust_low'],
  recoveryRank: 15,
});
