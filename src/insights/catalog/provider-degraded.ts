import { defineEntry, type Detection } from './entry.js';
import { dismiss, latestBy, percent } from './helpers.js';
import { healthLimits, problems, routings, routingWords } from './provider-routing.js';
import { providerFailoverTicket } from './seed-tickets.js';
import { healthyAlongside } from '../../genai/catalog/healthy-providers.js';

/** Team-X Doctor: "OpenAI: Degraded (slow response)", the cause of the stuck loops. */
export default defineEntry({
  kind: 'provider_degraded',
  source: 'team-x',
  name: 'LLM provider degraded',
  severity: 'warning',
  category: 'operational',
  thresholds: healthLimits,
  detect({ window, now, thresholds }) {
    const detections: Detection[] = [];
    const routed = routings(window, now);
    for (const health of latestBy(window, 'provider.health', 'provider', now).values()) {
      const found = problems(health, thresholds);
      if (found.length === 0) continue;
      const { provider, latencyMs, errorRate, status } = health.attributes;
      const down = status === 'down';
      const routing = routed.get(provider);
      detections.push({
        scope: provider,
        ...(down ? { severity: 'critical' as const } : {}),
        summary: down ? `Provider ${provider} down.` : `Provider ${provider} degraded (${found.join(', ')}).`,
        detail: routing
          ? `New work goes to ${routing.routedTo}; loops already waiting on ${provider} may still hang.`
          : 'Loops waiting on it may hang; route critical work to a healthy provider.',
        entities: [{ kind: 'provider', id: provider, detail: found.join(', ') }],
        fields: [
          { label: 'Latency', value: `${Math.round(latencyMs)} ms` },
          { label: 'Error rate', value: percent(errorRate) },
          ...(status ? [{ label: 'Status', value: status }] : []),
          ...(routing ? [{ label: 'New work', value: routingWords(routing) }] : []),
          ...healthyAlongside(window, now, health, thresholds),
        ],
        facts: { latencyMs, errorRate, ...(status ? { status } : {}), ...(routing ? { routedTo: routing.routedTo } : {}) },
      });
    }
    return detections;
  },
  title: (d) => `Provider ${d.scope} ${d.severity === 'critical' ? 'down' : 'degraded'}`,
  // Once new work goes elsewhere there is nothing more to route: the follow-up card (provider_recovered) switches back.
  actions: (d) => [
    ...(d.facts?.routedTo === undefined
      ? d.entities
          .filter((e) => e.kind === 'provider')
          .map((provider) => ({
            action: 'failover_provider' as const,
            label: 'Fail over new work',
            target: provider,
            style: 'primary' as const,
            confirm: `Route new work of ${provider.id} to a healthy provider (the seed's backup, Anthropic, when it is connected)? Work already running stays on ${provider.id}; a card offers to switch back once it is healthy.`,
          }))
      : []),
    { action: 'run_doctor', label: 'Run Doctor' },
    dismiss,
  ],
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
