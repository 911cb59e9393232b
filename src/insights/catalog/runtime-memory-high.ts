import { z } from 'zod';
import { defineEntry, type Detection } from './entry.js';
import { dismiss, latestBy, percent, ratio } from './helpers.js';
import { memoryMonitoringTicket } from './seed-tickets.js';

/** Team-X ticket #62: alert at 80% of the memory limit, 90% critical, auto-restart at 95%. */
export default defineEntry({
  kind: 'runtime_memory_high',
  source: 'team-x',
  name: 'Runtime memory high',
  severity: 'warning',
  category: 'operational',
  thresholds: z.object({
    warningPercent: z.number().positive().default(80),
    criticalPercent: z.number().positive().default(90),
    restartPercent: z.number().positive().default(95),
  }),
  detect({ window, now, thresholds }) {
    const detections: Detection[] = [];
    for (const sample of latestBy(window, 'runtime.memory', 'runtime', now).values()) {
      const { runtime, usedMb, limitMb } = sample.attributes;
      const used = ratio(usedMb, limitMb);
      if (used === undefined || used * 100 < thresholds.warningPercent) continue;
      const restart = used * 100 >= thresholds.restartPercent;
      detections.push({
        scope: runtime,
        ...(used * 100 >= thresholds.criticalPercent ? { severity: 'critical' as const } : {}),
        summary: `Runtime ${runtime} memory at ${percent(used)} (${Math.round(usedMb)} of ${Math.round(limitMb)} MB).`,
        detail: restart ? 'Auto-restart recommended before it runs out of memory (OOM).' : 'Heading for an OOM crash if it keeps growing.',
        entities: [{ kind: 'runtime', id: runtime, detail: `${percent(used)} of ${Math.round(limitMb)} MB` }],
        facts: { usedMb, limitMb, percent: Math.floor(used * 100 + 1e-9), restartRecommended: restart },
      });
    }
    return detections;
  },
  title: (d) => `Runtime ${d.scope} memory ${d.facts?.percent ?? 'high'}%`,
  actions: (d) => [
    ...d.entities.map((runtime) => ({ action: 'restart_runtime' as const, label: `Restart ${runtime.id}`, target: runtime, style: 'primary' as const })),
    dismiss,
  ],
  runbook: [
    'Find what grows: a large job (the seed: a large code review) or a leak.',
    'Restart the runtime with a higher memory limit (the seed: 2 GB → 4 GB) before it crashes.',
    'Verify the heartbeat after the restart.',
  ],
  preventiveTicket: memoryMonitoringTicket,
  causedBy: [],
  // Before runtime restarts (20): restarting a runtime that is about to OOM spares the crash.
  recoveryRank: 18,
  lessons: ['The bash-runtime-mike OOM was preventable with memory monitoring.'],
});
