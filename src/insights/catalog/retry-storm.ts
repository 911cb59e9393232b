import { z } from 'zod';
import { defineEntry, type Detection } from './entry.js';
import { dismiss, latestBy, MINUTE, ratio } from './helpers.js';
import { backoffTicket } from './seed-tickets.js';

/** Self-healing research: a spike of calls to one endpoint, retries without backoff (a thundering herd). */
export default defineEntry({
  kind: 'retry_storm',
  source: 'self-healing',
  name: 'Retry storm',
  severity: 'warning',
  category: 'operational',
  thresholds: z.object({
    baselineMultiple: z.number().positive().default(5),
    // For endpoints with no baseline (new, or a sender that does not know it).
    callsPerMinute: z.number().positive().default(1000),
    windowMinutes: z.number().positive().default(15),
  }),
  detect({ window, now, thresholds }) {
    const detections: Detection[] = [];
    for (const sample of latestBy(window, 'endpoint.calls', 'endpoint', now).values()) {
      // An old sample says nothing about now: the storm may be long over.
      if (now - sample.at > thresholds.windowMinutes * MINUTE) continue;
      const { endpoint, callsPerMinute, baselinePerMinute } = sample.attributes;
      const multiple = ratio(callsPerMinute, baselinePerMinute ?? 0);
      const spiking = multiple !== undefined && multiple >= thresholds.baselineMultiple;
      if (!spiking && callsPerMinute < thresholds.callsPerMinute) continue;
      const times = multiple !== undefined ? ` (${Math.round(multiple * 10) / 10}× baseline)` : '';
      detections.push({
        scope: endpoint,
        summary: `Retry storm on ${endpoint}: ${Math.round(callsPerMinute)} calls/min${times}.`,
        detail: 'Callers retry together without backoff; each wave reproduces the failure it retries.',
        entities: [{ kind: 'endpoint', id: endpoint }],
        fields: baselinePerMinute !== undefined ? [{ label: 'Baseline', value: `${Math.round(baselinePerMinute)} calls/min` }] : [],
        facts: { callsPerMinute, ...(baselinePerMinute !== undefined ? { baselinePerMinute } : {}), ...(multiple !== undefined ? { multiple } : {}) },
      });
    }
    return detections;
  },
  title: (d) => `Retry storm: ${d.scope}`,
  actions: () => [dismiss],
  runbook: [
    'Find the callers: routines or agents retrying the same failure at fixed intervals.',
    'Throttle them (pause the routine, cap concurrency with a semaphore) so the dependency can recover.',
    'Fix the dependency that fails (MCP pool, provider rate limit).',
    'Retry with exponential backoff and full jitter and a maximum retry count.',
  ],
  preventiveTicket: backoffTicket,
  causedBy: ['provider_degraded'],
  // The storm feeds pool exhaustion and budget burn: calm it before fixing what it floods.
  recoveryRank: 9,
  lessons: ['Exponential backoff with jitter reduces retry storms by 60–80% versus fixed-interval retries.'],
});
