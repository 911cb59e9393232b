import { z } from 'zod';
import { defineEntry, type Entity } from './entry.js';

const MINUTE = 60_000;

/** Team-X: "3 runtime execution failed events in last 10 minutes", with the runtimes named. */
export default defineEntry({
  kind: 'runtime_execution_failures',
  source: 'team-x',
  name: 'Runtime execution failures',
  severity: 'critical',
  category: 'operational',
  thresholds: z.object({ count: z.number().int().min(1).default(3), windowMinutes: z.number().positive().default(10) }),
  detect({ window, now, thresholds }) {
    const failures = window.recent('runtime.execution_failed', thresholds.windowMinutes * MINUTE, now);
    if (failures.length < thresholds.count) return [];
    const byRuntime = new Map<string, { reason: string; employee?: string }>();
    for (const f of failures) byRuntime.set(f.attributes.runtime, { reason: f.attributes.reason, employee: f.attributes.employee });
    const entities: Entity[] = [...byRuntime].map(([id, r]) => ({
      kind: 'runtime',
      id,
      detail: r.reason.replace(/_/g, ' '),
      ...(r.employee ? { label: `${id} (${r.employee})` } : {}),
    }));
    const employees = [...new Set([...byRuntime.values()].map((r) => r.employee).filter(Boolean))] as string[];
    return [
      {
        scope: 'workspace',
        summary: `${failures.length} runtime execution failed events in last ${thresholds.windowMinutes} minutes.`,
        entities,
        fields: employees.length ? [{ label: 'Affected employees', value: employees.join(', ') }] : [],
        facts: { failures: failures.length, runtimes: byRuntime.size },
      },
    ];
  },
  title: (d) => `${d.facts?.failures ?? 'Several'} runtime execution failures`,
  actions: (d) => [
    ...d.entities.map((runtime) => ({ action: 'restart_runtime' as const, label: `Restart ${runtime.id}`, target: runtime, style: 'primary' as const })),
    { action: 'dismiss', label: 'Dismiss' },
  ],
  runbook: [
    'Check which runtimes failed and why (connection refused, timeout, OOM).',
    'Fix upstream dependencies first (MCP servers, database) so restarted runtimes do not fail again.',
    'Restart the runtimes; confirm a heartbeat arrives.',
    'Raise memory limits for runtimes that crashed with OOM.',
  ],
  preventiveTicket: {
    title: 'Implement memory monitoring for external runtimes',
    description: 'Runtime crashes (OOM) were only noticed when executions failed. Track memory usage, alert at 80% and 90%, auto-restart at 95%.',
    owner: 'James',
    deliverables: ['Memory monitoring script', 'Alerts at 80% / 90%', 'Runtime health dashboard'],
  },
  causedBy: ['runtime_memory_high', 'mcp_server_failing', 'mcp_pool_exhausted'],
  recoveryRank: 20,
  lessons: ['Single points of failure (MCP, runtimes) cause cascading issues.'],
});
