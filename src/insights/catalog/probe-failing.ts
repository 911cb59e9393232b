import { z } from 'zod';
import { defineEntry, type Detection } from './entry.js';
import { dismiss, latestBy, text } from './helpers.js';

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
        fields: probeFields(a),
        facts: { probe: a.probe },
      }));
  },
  title: (d) => `Probe failing: ${d.scope}`,
  actions: (d) => {
    const probe = d.entities.find((e) => e.kind === 'probe');
    // Re-run first: it shows whether the failure still holds, with the probe's own answer.
    const rerun = probe ? [{ action: 'rerun_probe' as const, label: 'Re-run probe', target: probe, style: 'primary' as const }] : [];
    return [...rerun, { action: 'run_doctor', label: 'Run Doctor' }, dismiss];
  },
  runbook: [
    'Re-run the probe and read its answer: OK when it holds the expected answer, DEGRADED when it responds incorrectly, TIMEOUT after 10 s (the L3 functional probe).',
    'Run Doctor: a failing probe is usually the visible end of another failure.',
    'Reproduce the probe by hand and compare with the expected answer.',
    'Fix the cause the other insights point at, then watch the probe pass.',
  ],
  preventiveTicket: {
    title: 'Add functional (L3) and quality (L4) health checks',
    description: 'Liveness and readiness checks passed while the output was wrong. Add known-answer probes and output-quality scoring so silent degradation raises an alert.',
    deliverables: ['Known-answer probe per critical capability', 'Quality score trend alert'],
  },
  causedBy: ['database_unreachable', 'credential_expiring', 'provider_degraded', 'worker_unresponsive', 'agent_execution_timeout', 'redis_memory_pressure', 'dependency_cycle'],
  // A symptom: fix what it points at first.
  recoveryRank: 55,
});

/**
 * The research's known-answer case as the probe reports it (src/platform/scenarios/probe-failing.ts):
 * the layer, what it asked, what it expects and what it got, each when the event says.
 */
function probeFields(a: Record<string, unknown>): Array<{ label: string; value: string }> {
  const labelled: Array<[string, unknown]> = [['Layer', a.layer], ['Asked', a.input], ['Expected', a.expected], ['Answer', a.output]];
  return labelled.flatMap(([label, value]) => {
    const given = text(value);
    return given ? [{ label, value: given }] : [];
  });
}
