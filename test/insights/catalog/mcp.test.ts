import { describe, expect, it } from 'vitest';
import poolExhausted from '../../../src/insights/catalog/mcp-pool-exhausted.js';
import poolHigh from '../../../src/insights/catalog/mcp-pool-high.js';
import serverFailing from '../../../src/insights/catalog/mcp-server-failing.js';
import { detect, stored } from '../../support/signals.js';

const server = 'database-query';
const pool = (inUse: number, waiting?: number, size = 5) => stored('mcp.pool', 1, { server, inUse, size, ...(waiting !== undefined ? { waiting } : {}) });

describe('MCP server failing (Team-X Doctor)', () => {
  it('names the failing server and how many of the servers fail', () => {
    const [d, ...rest] = detect(serverFailing, [
      stored('mcp.health', 11, { server, status: 'failing', latencyMs: 30_000, error: 'connection pool exhausted' }),
      stored('mcp.health', 1, { server: 'github', status: 'healthy' }),
      stored('mcp.health', 1, { server: 'filesystem', status: 'healthy' }),
    ]);
    expect(rest).toEqual([]);
    expect(d!.summary).toBe('MCP server "database-query" failing (connection pool exhausted).');
    expect(d!.detail).toBe('1 of 3 MCP servers failing.');
    expect(serverFailing.actions(d!).map((a) => a.action)).toEqual(['restart_mcp_server', 'dismiss']);
  });

  it('stays quiet while the server is only degraded', () => {
    expect(detect(serverFailing, [stored('mcp.health', 1, { server, status: 'degraded', latencyMs: 4800 })])).toEqual([]);
  });
});

describe('MCP pool exhausted (Team-X)', () => {
  it('quotes max connections against the concurrent queries, as the seed diagnosis does', () => {
    const [d] = detect(poolExhausted, [pool(5, 3)]);
    expect(d!.summary).toBe('MCP server "database-query" connection pool exhausted.');
    expect(d!.detail).toContain('Max connections set to 5, but 8 concurrent queries (3 waiting).');
    expect(d!.facts).toEqual({ poolSize: 5, inUse: 5, waiting: 3, concurrent: 8 });
  });

  it('stays quiet when the pool is full but nobody waits', () => {
    expect(detect(poolExhausted, [pool(5, 0)])).toEqual([]);
    expect(detect(poolExhausted, [pool(5)])).toEqual([]);
  });
});

describe('MCP pool high (Team-X: "Copilot alert at 80%")', () => {
  it('warns from 80% and leaves exhausted pools to their own card', () => {
    expect(detect(poolHigh, [pool(4, 0)]).map((d) => d.summary)).toEqual(['MCP server "database-query" connection pool at 80% (4 of 5).']);
    expect(detect(poolHigh, [pool(5, 0)]).map((d) => d.facts?.inUse)).toEqual([5]);
    expect(detect(poolHigh, [pool(5, 2)])).toEqual([]);
  });

  it('stays quiet under 80%', () => {
    expect(detect(poolHigh, [pool(3, 0)])).toEqual([]);
  });
});
