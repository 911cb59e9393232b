import { z } from 'zod';
import type { Signal } from '../signal-window.js';
import { defineEntry, type Detection } from './entry.js';
import { dismiss, latestBy, percent } from './helpers.js';
import { providerFailoverTicket } from './seed-tickets.js';

type Limits = { latencyMs: number; errorRate: number };

/** Why the provider counts as degraded, in the Doctor's words ("Degraded (slow response)"). */
function problems({ attributes: a }: Signal<'provider.health'>, limits: Limits): string[] {
  return [
    ...(a.status === 'down' ? ['down'] : []),
    ...(a.latencyMs > limits.latencyMs ? ['slow response'] : []),
    ...(a.errorRate > limits.errorRate ? [`error rate ${percent(a.errorRate)}`] : []),
    ...(a.status === 'degraded' && a.latencyMs <= limits.latencyMs && a.errorRate <= limits.errorRate ? ['reported degraded'] : []),
  ];
}

/** Team-X Doctor: "OpenAI: Degraded (slow response)", the cause of the stuck loops. */
export default defineEntry({
  kind: 'provider_degraded',
  source: 'team-x',
  name: 'LLM provider degraded',
  severity: 'warning',
  category: 'operational',
  // #63's failover trigger is an error rate above 10%; 5 s latency marks "slow response".
  thresholds: z.object({ latencyMs: z.number().positive().default(5000), errorRate: z.number().min(0).max(1).default(0.1) }),
  detect({ window, now, thresholds }) {
    const detections: Detection[] = [];
    for (const health of latestBy(window, 'provider.health', 'provider', now).values()) {
      const found = problems(health, thresholds);
      if (found.length === 0) continue;
      const { provider, latencyMs, errorRate, status } = health.attributes;
      const down = status === 'down';
      detections.push({
        scope: provider,
        ...(down ? { severity: 'critical' as const } : {}),
        summary: down ? `Provider ${provider} down.` : `Provider ${provider} degraded (${found.join(', ')}).`,
        detail: 'Loops waiting on it may hang; route critical work to a healthy provider.',
        entities: [{ kind: 'provider', id: provider, detail: found.join(', ') }],
        fields: [
          { label: 'Latency', value: `${Math.round(latencyMs)} ms` },
          { label: 'Error rate', value: percent(errorRate) },
          ...(status ? [{ label: 'Status', value: status }] : []),
        ],
        facts: { latencyMs, errorRate, ...(status ? { status } : {}) },
      });
    }
    return detections;
  },
  title: (d) => `Provider ${d.scope} ${d.severity === 'critical' ? 'down' : 'degraded'}`,
  actions: () => [{ action: 'run_doctor', label: 'Run Doctor' }, dismiss],
  runbook: [
    'Confirm the degradation is the provider\'s (status page, other workspaces): it is external, with no control on our side.',
    'Route critical loops to a healthy provider (the seed: Anthropic as backup).',
    'Watch stuck loops: they often complete once the provider responds again.',
    'Switch back when the primary is healthy.',
  ],
  preventiveTicket: providerFailoverTicket,
  causedBy: [],
  // Early, with the retry storms it sets off: route work to a healthy provider before fixing what they flood.
  recoveryRank: 9,
  lessons: ['Provider diversification (Anthropic as backup) mitigates degradation we cannot control.'],
});
