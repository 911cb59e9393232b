import { defineEntry, type Detection } from './entry.js';
import { clock, dismiss, latestBy, percent } from './helpers.js';
import { healthLimits, problems, routings } from './provider-routing.js';
import { providerFailoverTicket } from './seed-tickets.js';

/**
 * The follow-up of a failover (Team-X runbook, "switch back when the primary is healthy"; ticket
 * #63, "auto-switch back when the primary is healthy"): the provider reports healthy again while
 * its new work still goes to the backup. Raised from the provider's own reports, so it appears
 * whenever that happens, and clears once work is routed back.
 */
export default defineEntry({
  kind: 'provider_recovered',
  source: 'team-x',
  name: 'LLM provider healthy again, work still routed away',
  severity: 'info',
  category: 'operational',
  // Healthy is the opposite of provider_degraded's limits: under both, and not reported degraded or down.
  thresholds: healthLimits,
  detect({ window, now, thresholds }) {
    const detections: Detection[] = [];
    const latest = latestBy(window, 'provider.health', 'provider', now);
    for (const [provider, routing] of routings(window, now)) {
      const health = latest.get(provider);
      if (!health || problems(health, thresholds).length > 0) continue;
      const { latencyMs, errorRate } = health.attributes;
      detections.push({
        scope: provider,
        summary: `Provider ${provider} is healthy again; its new work still goes to ${routing.routedTo} (since ${clock(routing.since)}).`,
        detail: 'Switch back now that the primary responds: the backup carries its load only while needed.',
        entities: [{ kind: 'provider', id: provider, detail: `routed to ${routing.routedTo}` }],
        fields: [
          { label: 'Latency', value: `${Math.round(latencyMs)} ms` },
          { label: 'Error rate', value: percent(errorRate) },
          { label: 'New work', value: `${routing.routedTo} since ${clock(routing.since)}` },
        ],
        facts: { routedTo: routing.routedTo, latencyMs, errorRate },
      });
    }
    return detections;
  },
  title: (d) => `Provider ${d.scope} healthy again: switch back`,
  actions: (d) => [
    ...d.entities
      .filter((e) => e.kind === 'provider')
      .map((provider) => ({
        action: 'restore_provider' as const,
        label: `Switch back to ${provider.id}`,
        target: provider,
        style: 'primary' as const,
        confirm: `Route new work back to ${provider.id}? Work already running on ${String(d.facts?.routedTo ?? 'the backup')} finishes there.`,
      })),
    dismiss,
  ],
  runbook: [
    'Confirm the primary is healthy: connected, no slow responses, error rate at or under 10% (the failover trigger of ticket #63).',
    'Switch back: route new work to the primary again (the seed: OpenAI primary, Anthropic backup).',
    'Log the switch (ticket #63 asks for logging of provider switches) and watch the primary: fail over again above a 10% error rate.',
  ],
  preventiveTicket: providerFailoverTicket,
  causedBy: [],
  // Last of all: switching back is tidying up after the incident, once nothing else is failing.
  recoveryRank: 60,
});
