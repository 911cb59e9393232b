import { z } from 'zod';
import { MCP_POOL_RAISE_FACTOR } from '../../platform/operations/infra.js';
import { defineEntry, type Detection } from './entry.js';
import { dismiss, percent } from './helpers.js';
import { poolFacts, poolReadings } from './mcp-pool-exhausted.js';
import { backoffTicket } from './seed-tickets.js';

/** Team-X recommendation: "Monitor MCP connection pool usage (Copilot alert at 80%)", before it runs dry. */
export default defineEntry({
  kind: 'mcp_pool_high',
  source: 'team-x',
  name: 'MCP connection pool filling up',
  severity: 'warning',
  category: 'workflow',
  thresholds: z.object({ usedRatio: z.number().positive().max(1).default(0.8) }),
  detect({ window, now, thresholds }) {
    return poolReadings(window, now)
      // Exhausted pools (full with queries waiting) are mcp_pool_exhausted's card, not a second one.
      .filter((p) => p.used >= thresholds.usedRatio && !(p.inUse >= p.size && p.waiting > 0))
      .map((p): Detection => ({
        scope: p.server,
        summary: `MCP server "${p.server}" connection pool at ${percent(p.used)} (${p.inUse} of ${p.size}).`,
        detail: 'Retry bursts will exhaust it: increase pool size or reduce routine concurrency.',
        entities: [{ kind: 'mcp_server', id: p.server, detail: `${p.inUse} of ${p.size} in use` }],
        facts: poolFacts(p),
      }));
  },
  title: (d) => `MCP pool filling up: ${d.scope}`,
  // Restarting a busy server drops the queries it holds; the fix is capacity, not a restart.
  actions: (d) => {
    const server = d.entities.find((e) => e.kind === 'mcp_server');
    if (!server) return [dismiss];
    const size = typeof d.facts?.poolSize === 'number' ? d.facts.poolSize : undefined;
    const to = size === undefined ? 'four-fold' : `from ${size} to ${size * MCP_POOL_RAISE_FACTOR} connections`;
    return [
      {
        action: 'raise_mcp_pool' as const,
        label: 'Increase pool size',
        target: server,
        style: 'primary' as const,
        confirm: `Raise the connection pool of ${server.id} ${to} (the seed's fix: 5 → 20)? The server and the database behind it must take that many connections.`,
      },
      dismiss,
    ];
  },
  runbook: [
    'Check which routines hold connections and whether they are retrying.',
    'Increase the pool size before it runs dry, or reduce routine concurrency.',
  ],
  preventiveTicket: backoffTicket,
  causedBy: ['retry_storm'],
  recoveryRank: 12,
});
