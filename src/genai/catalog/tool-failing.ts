import { z } from 'zod';
import { defineEntry, type Detection } from '../../insights/catalog/entry.js';
import { dismiss, MINUTE, percent } from '../../insights/catalog/helpers.js';
import { latestOf } from './latest-of.js';

/**
 * Issue 17: execute_tool spans failing, for tools that name no MCP server (those of one report as
 * mcp.health and raise mcp_server_failing, with its Restart button). Such a tool is code inside
 * the agent or a third-party API: nothing Triage can restart, so the card says which tool fails
 * and how, and Doctor looks for a cause Triage can act on.
 */
export default defineEntry({
  kind: 'tool_failing',
  source: 'self-healing',
  name: 'Agent tool failing',
  severity: 'warning',
  category: 'operational',
  thresholds: z.object({
    errorRate: z.number().min(0).max(1).default(0.5),
    minCalls: z.number().int().positive().default(10),
    freshMinutes: z.number().positive().default(15),
  }),
  detect({ window, now, thresholds }) {
    const detections: Detection[] = [];
    for (const { attributes: a } of latestOf(window, 'tool.calls', 'tool', now, thresholds.freshMinutes * MINUTE).values()) {
      if (a.calls < thresholds.minCalls || a.errorRate < thresholds.errorRate) continue;
      detections.push({
        scope: a.tool,
        summary: `Tool ${a.tool}: ${a.failed} of ${a.calls} calls failed in ${a.windowMinutes} min (${percent(a.errorRate)}).`,
        detail: 'Agents calling it get errors back: their runs fail or retry.',
        entities: [{ kind: 'endpoint', id: a.tool, detail: 'agent tool' }],
        fields: [
          { label: 'Failed calls', value: `${a.failed} of ${a.calls} (${percent(a.errorRate)})` },
          ...(a.lastError ? [{ label: 'Error', value: a.lastError }] : []),
        ],
        facts: { calls: a.calls, failed: a.failed, errorRate: a.errorRate },
      });
    }
    return detections;
  },
  title: (d) => `Tool ${d.scope} failing`,
  actions: () => [{ action: 'run_doctor', label: 'Run Doctor' }, dismiss],
  noFixBecause: 'The tool is code inside the agent or a third-party API that Triage has no control over; its MCP tools have their own card with a Restart button.',
  runbook: [
    'Read the error: a timeout, a refused credential, a rate limit, or bad input from the model.',
    'Verify the tool by hand with the same input; check the third-party API\'s status page.',
    'If a credential expired or a quota ran out, renew it; if the model sends bad input, tighten the tool\'s schema.',
    'Watch the next calls succeed.',
  ],
  preventiveTicket: {
    title: 'Health-check agent tools and fail fast when one is down',
    description: 'A tool kept failing under the agents calling it. Probe each tool, and open a breaker so agents stop calling a tool that is down.',
    deliverables: ['Known-answer probe per tool', 'Circuit breaker per tool', 'Tool error rate on the dashboard'],
  },
  causedBy: ['credential_expiring'],
  recoveryRank: 30,
});
