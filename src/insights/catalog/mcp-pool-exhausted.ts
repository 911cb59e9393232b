import { z } from 'zod';
import type { SignalWindow } from '../signal-window.js';
import { defineEntry, type ActionSpec, type Detection } from './entry.js';
import { dismiss, latestBy, ratio } from './helpers.js';
import { backoffTicket } from './seed-tickets.js';

export type PoolReading = { server: string; size: number; inUse: number; waiting: number; concurrent: number; used: number };

/** The latest pool sample per MCP server; concurrent = in use + waiting, the seed's "8 concurrent queries". */
export function poolReadings(window: SignalWindow, now: number): PoolReading[] {
  return [...latestBy(window, 'mcp.pool', 'server', now).values()].map(({ attributes: { server, size, inUse, waiting = 0 } }) => ({
    server,
    size,
    inUse,
    waiting,
    concurrent: inUse + waiting,
    used: ratio(inUse, size) ?? 0,
  }));
}

export const poolFacts = (p: PoolReading) => ({ poolSize: p.size, inUse: p.inUse, waiting: p.waiting, concurrent: p.concurrent });

export const restartServer = (d: Detection): ActionSpec[] => [
  ...d.entities.map((server) => ({ action: 'restart_mcp_server' as const, label: `Restart ${server.id}`, target: server, style: 'primary' as const })),
  dismiss,
];

/** Team-X: "MCP server "database-query" connection pool exhausted. Max connections set to 5, but ... 8 concurrent queries". */
export default defineEntry({
  kind: 'mcp_pool_exhausted',
  source: 'team-x',
  name: 'MCP connection pool exhausted',
  severity: 'critical',
  category: 'workflow',
  thresholds: z.object({}),
  detect({ window, now }) {
    return poolReadings(window, now)
      .filter((p) => p.inUse >= p.size && p.waiting > 0)
      .map((p): Detection => ({
        scope: p.server,
        summary: `MCP server "${p.server}" connection pool exhausted.`,
        detail: `Max connections set to ${p.size}, but ${p.concurrent} concurrent queries (${p.waiting} waiting). Increase pool size or reduce routine concurrency.`,
        entities: [{ kind: 'mcp_server', id: p.server, detail: 'connection pool exhausted' }],
        fields: [
          { label: 'Pool', value: `${p.inUse} of ${p.size} in use` },
          { label: 'Waiting', value: String(p.waiting) },
        ],
        facts: poolFacts(p),
      }));
  },
  title: (d) => `MCP pool exhausted: ${d.scope}`,
  actions: restartServer,
  runbook: [
    'Raise max connections (the seed: 5 → 20) in the server config.',
    'Restart the MCP server and test the connection (pool available, health check PASS).',
    'Reduce routine concurrency or stop the retry storm that fills the pool.',
    'Long-term: connection pooling with proper cleanup, and backoff in routine retries.',
  ],
  preventiveTicket: backoffTicket,
  causedBy: ['retry_storm'],
  recoveryRank: 10,
  lessons: ['Max connections (5) were insufficient for routine retry storms.', 'Monitor MCP connection pool usage (Copilot alert at 80%).'],
});
