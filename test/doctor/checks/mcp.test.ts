import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mcpCheck } from '../../../src/doctor/checks/mcp.js';
import type { McpServerProbe } from '../../../src/doctor/config.js';
import { checkEvent } from '../../../src/events/envelope.js';
import type { TypedEvent } from '../../../src/events/vocabulary.js';
import { createEventWriter, type StoredEvent } from '../../../src/intake/event-writer.js';
import { findScenario } from '../../../src/platform/scenarios/index.js';
import { createSimulator, type Simulator } from '../../../src/platform/simulator/simulator.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../../support/databases.js';

const START = new Date('2026-05-03T15:19:00.000Z');
const ctx = () => ({ signal: new AbortController().signal, now: START });
const STDIO_SERVER = fileURLToPath(new URL('./fixtures/mcp-stdio-server.mjs', import.meta.url));

/** A real MCP server over Streamable HTTP (stateless: a fresh server per request), optionally slow. */
async function startMcpServer(delayMs = 0): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    void (async () => {
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (res.destroyed) return;
      const mcp = new McpServer({ name: 'fixture-http', version: '1.0.0' });
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => void mcp.close());
      await mcp.connect(transport);
      await transport.handleRequest(req, res);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, server };
}

let healthy: { url: string; server: Server };
let slow: { url: string; server: Server };
let refusedUrl = '';
beforeAll(async () => {
  healthy = await startMcpServer();
  slow = await startMcpServer(2_000);
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  refusedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/mcp`;
  await new Promise((resolve) => closed.close(resolve));
});
afterAll(async () => {
  for (const { server } of [healthy, slow]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const http = (id: string, url: string): McpServerProbe => ({ id, transport: 'http', url });
const stdio = (id: string, ...args: string[]): McpServerProbe => ({ id, transport: 'stdio', command: process.execPath, args: [STDIO_SERVER, ...args] });
const restartButton = (id: string) => ({ action: 'restart_mcp_server', label: `Restart ${id}`, target: { kind: 'mcp_server', id } });

function asStored(events: TypedEvent[]): StoredEvent[] {
  return events.map((event, index) => {
    const checked = checkEvent(event, index);
    if (!checked.ok) throw new Error(`invalid event ${JSON.stringify(event)}`);
    return { ...checked.event, eventKey: checked.event.id! };
  });
}

describe.each(oneDatabaseKind())('MCP health (%s)', (kind) => {
  let database: TestDatabase | undefined;
  let sim: Simulator | undefined;
  afterEach(async () => {
    sim?.close();
    await database?.drop();
  });

  /** The simulator's own events go through the real intake writer, as in production. */
  const start = async (): Promise<{ platform: Simulator; db: TestDatabase; store(events: TypedEvent[]): Promise<void> }> => {
    const db = (database = await openTestDatabase(kind));
    const store = async (events: TypedEvent[]): Promise<void> => {
      const stored = asStored(events);
      await createEventWriter(db, { maxRowsPerFlush: 1000 }).write(stored);
      await sim?.applyEvents(stored);
    };
    sim = await createSimulator({ database: db, emit: store, now: () => START });
    return { platform: sim, db, store };
  };

  it('passes when the platform\'s servers are healthy and real HTTP and stdio servers answer initialize and ping', async () => {
    const { platform, db } = await start();
    const check = mcpCheck({ platform, database: db, servers: [http('github', healthy.url), stdio('filesystem')] });
    expect(check).toMatchObject({ section: 'mcp', name: 'MCP health' });
    expect(await check.run(ctx())).toEqual({ status: 'pass', summary: '3 servers healthy', details: [], actions: [] });
  });

  it('with no server configured and none on the platform, warns with the line to add, never fails', async () => {
    const { db } = await start();
    const none = { listMcpServers: async () => ({ ok: true as const, value: [] }) } as unknown as Simulator;
    const finding = await mcpCheck({ platform: none, database: db, servers: [] }).run(ctx());
    expect(finding).toMatchObject({ status: 'warning', summary: 'no MCP servers configured' });
    expect(finding.details).toEqual(['add to triage.config.yml under doctor: mcpServers: [{ id: database-query, transport: http, url: "http://mcp.internal:8080/mcp" }]']);
  });

  it('fails a server that answers slower than its deadline, with a restart button for the platform\'s server', async () => {
    const { platform, db } = await start();
    const began = Date.now();
    const finding = await mcpCheck({ platform, database: db, servers: [http('github', slow.url)], timeoutMs: 300 }).run(ctx());
    expect(Date.now() - began).toBeLessThan(1_900);
    expect(finding).toEqual({
      status: 'fail',
      summary: '1 of 3 MCP servers timeout',
      details: ['• github (timeout)'],
      actions: [{ kind: 'mcp_server_failing', text: 'Fix MCP server (github: timeout)', buttons: [restartButton('github')] }],
    });
  });

  it('gives up on a slow server when the check\'s own signal aborts, well before its handshake deadline', async () => {
    const { platform, db } = await start();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const began = Date.now();
    const finding = await mcpCheck({ platform, database: db, servers: [http('github', slow.url)], timeoutMs: 30_000 })
      .run({ signal: controller.signal, now: START });
    expect(Date.now() - began).toBeLessThan(1_900);
    expect(finding.details).toEqual(['• github (timeout)']);
  });

  it('names a refused connection and a stdio server that exits, without buttons for servers the platform does not run', async () => {
    const { platform, db } = await start();
    const servers = [http('search', refusedUrl), stdio('scratch', 'exit'), stdio('filesystem')];
    const finding = await mcpCheck({ platform, database: db, servers, timeoutMs: 2_000 }).run(ctx());
    expect(finding.status).toBe('fail');
    expect(finding.summary).toBe('2 of 5 MCP servers failing');
    expect(finding.details).toEqual(['• search (connection refused)', '• scratch (process exited)']);
    expect(finding.actions).toEqual([
      { kind: 'mcp_server_failing', text: 'Fix MCP server (search: connection refused)', buttons: [] },
      { kind: 'mcp_server_failing', text: 'Fix MCP server (scratch: process exited)', buttons: [] },
    ]);
  });

  it('reports the seed incident: database-query failing on an exhausted pool, then healthy after a restart', async () => {
    const { platform, db, store } = await start();
    await store(findScenario('cascading-failure')!.build(START).map((s) => s.event));
    const check = mcpCheck({ platform, database: db, servers: [http('github', healthy.url)] });
    expect(await check.run(ctx())).toEqual({
      status: 'fail',
      summary: '1 of 3 MCP servers timeout',
      details: ['• database-query (connection pool exhausted)'],
      actions: [{ kind: 'mcp_pool_exhausted', text: 'Fix MCP server (database-query connection pool)', buttons: [restartButton('database-query')] }],
    });

    expect((await platform.restartMcpServer('database-query')).ok).toBe(true);
    expect(await check.run(ctx())).toMatchObject({ status: 'pass', summary: '3 servers healthy' });
  });

  it('counts a full pool from a recent mcp.pool event even when the platform has not caught up', async () => {
    const { platform, db } = await start();
    const pool = (minutesAgo: number, inUse: number, id: string): TypedEvent => ({
      id,
      type: 'mcp.pool',
      source: 'test',
      occurredAt: new Date(START.getTime() - minutesAgo * 60_000).toISOString(),
      attributes: { server: 'github', inUse, size: 10, waiting: 4 },
    });
    // Only in the events table: the simulator still says github is healthy with 2 of 10 in use.
    await createEventWriter(db, { maxRowsPerFlush: 10 }).write(asStored([pool(90, 10, 'p-old'), pool(20, 10, 'p-new')]));
    expect(await mcpCheck({ platform, database: db, servers: [] }).run(ctx())).toEqual({
      status: 'warning',
      summary: '1 of 3 MCP servers degraded',
      details: ['• github (connection pool exhausted)'],
      actions: [{ kind: 'mcp_pool_exhausted', text: 'Fix MCP server (github connection pool)', buttons: [restartButton('github')] }],
    });
    // An hour-old full pool is history, not today's reason.
    await db.query(sql`delete from events where event_key = 'p-new'`);
    expect(await mcpCheck({ platform, database: db, servers: [] }).run(ctx())).toMatchObject({ status: 'pass' });
  });

  it('warns about a degraded server, giving the platform\'s reported error as the reason', async () => {
    const { platform, db, store } = await start();
    const at = new Date(START.getTime() - 5 * 60_000).toISOString();
    await store([{ id: 'h1', type: 'mcp.health', source: 'test', occurredAt: at, attributes: { server: 'github', status: 'degraded', error: 'rate limited by upstream' } }]);
    expect(await mcpCheck({ platform, database: db, servers: [] }).run(ctx())).toEqual({
      status: 'warning',
      summary: '1 of 3 MCP servers degraded',
      details: ['• github (rate limited by upstream)'],
      actions: [{ kind: 'mcp_server_failing', text: 'Fix MCP server (github: rate limited by upstream)', buttons: [restartButton('github')] }],
    });
  });
});
