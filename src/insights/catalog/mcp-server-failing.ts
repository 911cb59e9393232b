import { z } from 'zod';
import { defineEntry, type Detection } from './entry.js';
import { dismiss, latestBy } from './helpers.js';

/** Team-X Doctor: "1 of 3 MCP servers timeout: database-query (connection pool exhausted)". */
export default defineEntry({
  kind: 'mcp_server_failing',
  source: 'team-x',
  name: 'MCP server failing',
  severity: 'critical',
  category: 'operational',
  thresholds: z.object({}),
  detect({ window, now }) {
    const latest = latestBy(window, 'mcp.health', 'server', now);
    const failing = [...latest.values()].filter((s) => s.attributes.status === 'failing');
    return failing.map((s): Detection => {
      const { server, error, latencyMs } = s.attributes;
      return {
        scope: server,
        summary: `MCP server "${server}" failing${error ? ` (${error})` : ''}.`,
        detail: `${failing.length} of ${latest.size} MCP servers failing.`,
        entities: [{ kind: 'mcp_server', id: server, ...(error ? { detail: error } : {}) }],
        fields: [
          ...(error ? [{ label: 'Error', value: error }] : []),
          ...(latencyMs !== undefined ? [{ label: 'Latency', value: `${Math.round(latencyMs)} ms` }] : []),
        ],
        facts: { failing: failing.length, servers: latest.size, ...(latencyMs !== undefined ? { latencyMs } : {}) },
      };
    });
  },
  title: (d) => `MCP server ${d.scope} failing`,
  actions: (d) => [
    ...d.entities.map((server) => ({ action: 'restart_mcp_server' as const, label: `Restart ${server.id}`, target: server, style: 'primary' as const })),
    dismiss,
  ],
  runbook: [
    'Read the error: pool exhaustion, timeouts or a crash.',
    'If the pool is exhausted, raise max connections (the seed: 5 → 20) or reduce routine concurrency.',
    'Restart the MCP server.',
    'Test the connection: the pool has connections available and the health check passes.',
  ],
  preventiveTicket: {
    title: 'Add connection pooling logic with proper cleanup to MCP servers',
    description:
      'The database-query MCP server failed when its pool ran dry and took routines and runtimes with it. Pool connections with proper cleanup and size the pool for retry bursts.',
    owner: 'James',
    deliverables: ['Pooling with cleanup of idle and leaked connections', 'Pool size from config (20)', 'Pool usage metrics'],
  },
  causedBy: ['mcp_pool_exhausted', 'database_unreachable'],
  // The seed fixes MCP first: it unblocks the queries everything else waits on.
  recoveryRank: 10,
  lessons: ['Single points of failure (MCP, runtimes) cause cascading issues.'],
});
