import { z } from 'zod';
import { defineEntry, type Detection } from './entry.js';
import { dismiss, latestBy } from './helpers.js';

/**
 * Self-healing research, L3 functional probes: the process is alive and answering, but a
 * known-answer check fails. Silent degradation, invisible to infrastructure monitoring.
 */
export default defineEntry({
  kind: 'probe_failing',
  source: 'self-healing',
  name: 'Functional probe failing',
  severity: 'warning',
  category: 'operational',
  thresholds: z.object({}),
  detect({ window, now }) {
    return [...latestBy(window, 'probe.result', 'probe', now).values()]
      .filter((s) => !s.attributes.ok)
      .map(({ attributes: a }): Detection => ({
        scope: a.probe,
        summary: `Probe "${a.probe}" failing${a.detail ? `: ${a.detail}` : ''}.`,
        detail: 'Silent degradation: the system responds, but not correctly.',
        entities: [{ kind: 'probe', id: a.probe }],
        facts: { probe: a.probe },
      }));
  },
  title: (d) => `Probe failing: ${d.scope}`,
  actions: () => [{ action: 'run_doctor', label: 'Run Doctor' }, dismiss],
  runbook: [
    'Run Doctor: a failing probe is usually the visible end of another failure.',
    'Reproduce the probe by hand and compare with the expected answer.',
    'Fix the cause the other insights point at, then watch the probe pass.',
  ],
  preventiveTicket: {
    title: 'Add functional (L3) and quality (L4) health checks',
    description: 'Liveness and readiness checks passed while the output was wrong. Add known-answer probes and output-quality scoring so silent degradation raises an alert.',
    deliverables: ['Known-answer probe per critical capability', 'Quality score trend alert'],
  },
  causedBy: ['database_unreachable', 'credential_expiring', 'worker_unresponsive', 'agent_execution_timeout', 'redis_memory_pressure', 'dependency_cycle'],
  // A symptom: fix what it points at first.
  recoveryRank: 55,
});
