import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { EVENT_TYPES } from '../../events/vocabulary.js';
import { HOUR, plural } from '../../insights/catalog/helpers.js';
import type { McpServer, Platform } from '../../platform/port.js';
import { pass, type DoctorAction, type DoctorCheck, type Finding } from '../check.js';
import type { DoctorConfig, McpServerProbe } from '../config.js';
import { CONFIG_LINES, unconfigured } from './unconfigured.js';
import { probeMcpServer, type McpProbeOutcome } from './mcp-probe.js';

export type McpCheckDeps = {
  platform: Platform;
  servers: DoctorConfig['mcpServers'];
  database: Database;
  /** Each server's handshake deadline; keep it under the check's own so a slow server gets named. */
  timeoutMs?: number;
};

const DEFAULT_TIMEOUT_MS = 3_000;
/** Pool and health events older than this describe an incident that may be long over. */
const EVENT_WINDOW_MS = HOUR;
const POOL_EXHAUSTED = 'connection pool exhausted';

type Health = McpServer['status'];
const RANK: Record<Health, number> = { healthy: 0, degraded: 1, failing: 2 };

type Recent = { poolExhausted?: boolean; healthError?: string };
type Assessed = { id: string; status: Health; reason?: string; exhausted: boolean; onPlatform: boolean };

/** The newest mcp.pool and mcp.health event per server within the last hour. */
async function recentEvents(database: Database, at: number): Promise<Map<string, Recent>> {
  const since = new Date(at - EVENT_WINDOW_MS).toISOString();
  const until = new Date(at).toISOString();
  const recent = new Map<string, Recent>();
  let rows: Array<{ type: string; attributes: unknown }>;
  try {
    rows = await database.query(sql`
      select distinct on (type, attributes->>'server') type, attributes
      from events
      where type in ('mcp.pool', 'mcp.health') and known
        and occurred_at > ${since}::timestamptz and occurred_at <= ${until}::timestamptz
      order by type, attributes->>'server', occurred_at desc, seq desc`);
  } catch {
    // The events only sharpen the reason; the probes and the platform's view still stand.
    return recent;
  }
  for (const row of rows) {
    const pool = row.type === 'mcp.pool' ? EVENT_TYPES['mcp.pool'].safeParse(row.attributes) : undefined;
    const health = row.type === 'mcp.health' ? EVENT_TYPES['mcp.health'].safeParse(row.attributes) : undefined;
    if (pool?.success) {
      const entry = recent.get(pool.data.server) ?? {};
      recent.set(pool.data.server, { ...entry, poolExhausted: pool.data.inUse >= pool.data.size });
    }
    if (health?.success && health.data.status !== 'healthy' && health.data.error) {
      const entry = recent.get(health.data.server) ?? {};
      recent.set(health.data.server, { ...entry, healthError: health.data.error.slice(0, 160) });
    }
  }
  return recent;
}

function assess(id: string, platform: McpServer | undefined, probe: McpProbeOutcome | undefined, recent: Recent | undefined): Assessed {
  const exhausted = !!recent?.poolExhausted || (!!platform && platform.poolSize > 0 && platform.poolInUse >= platform.poolSize);
  const candidates: Health[] = [platform?.status ?? 'healthy', probe && !probe.ok ? 'failing' : 'healthy', exhausted ? 'degraded' : 'healthy'];
  const status = candidates.reduce((a, b) => (RANK[b] > RANK[a] ? b : a));
  const base = { id, status, exhausted, onPlatform: !!platform };
  if (status === 'healthy') return base;
  // The pool is the cause the operator can act on; a probe's timeout is only its symptom.
  const reason = exhausted ? POOL_EXHAUSTED : probe && !probe.ok ? probe.reason : (recent?.healthError ?? status);
  return { ...base, reason };
}

function actionFor(server: Assessed): DoctorAction {
  const { id } = server;
  return {
    kind: server.exhausted ? 'mcp_pool_exhausted' : 'mcp_server_failing',
    text: server.exhausted ? `Fix MCP server (${id} connection pool)` : `Fix MCP server (${id}: ${server.reason})`,
    // Only the platform can restart a server; one merely configured for probing has no button.
    buttons: server.onPlatform ? [{ action: 'restart_mcp_server', label: `Restart ${id}`, target: { kind: 'mcp_server', id } }] : [],
  };
}

function summaryOf(total: number, failing: Assessed[], degraded: number): string {
  // The seed says "timeout" when every failing server hangs (an exhausted pool makes queries wait).
  const hanging = failing.every((s) => s.reason === 'timeout' || s.reason === POOL_EXHAUSTED);
  if (!failing.length) return `${degraded} of ${total} MCP servers degraded`;
  return `${failing.length} of ${total} MCP servers ${hanging ? 'timeout' : 'failing'}${degraded ? `, ${degraded} degraded` : ''}`;
}

/**
 * MCP health: a real initialize + ping against every configured server, joined with the
 * platform's view of its servers and their connection pools. The seed's "1 of 3 MCP servers
 * timeout: database-query (connection pool exhausted)" comes from the pool events, not the probe.
 */
export function mcpCheck({ platform, servers, database, timeoutMs = DEFAULT_TIMEOUT_MS }: McpCheckDeps): DoctorCheck {
  return {
    section: 'mcp',
    name: 'MCP health',
    async run(ctx): Promise<Finding> {
      const [listed, outcomes, recent] = await Promise.all([
        platform.listMcpServers(),
        Promise.all(servers.map((s) => probeMcpServer(s, ctx.signal, timeoutMs))),
        recentEvents(database, ctx.now.getTime()),
      ]);
      if (!listed.ok && !servers.length) {
        return { status: 'fail', summary: `could not list MCP servers: ${listed.error.message}`, details: [], actions: [] };
      }
      const onPlatform = new Map((listed.ok ? listed.value : []).map((s) => [s.id, s]));
      const probed = new Map(servers.map((s: McpServerProbe, i) => [s.id, outcomes[i]!]));
      const ids = [...new Set([...onPlatform.keys(), ...probed.keys()])];
      const assessed = ids.map((id) => assess(id, onPlatform.get(id), probed.get(id), recent.get(id)));
      const listingProblem = listed.ok ? [] : [`platform MCP servers unknown: ${listed.error.message}`];
      if (!assessed.length) return unconfigured('MCP servers', CONFIG_LINES.mcpServers);

      const unwell = assessed.filter((s) => s.status !== 'healthy');
      if (!unwell.length) return pass(`${plural(assessed.length, 'server')} healthy`, listingProblem);
      const failing = unwell.filter((s) => s.status === 'failing');
      return {
        status: failing.length ? 'fail' : 'warning',
        summary: summaryOf(assessed.length, failing, unwell.length - failing.length),
        details: [...unwell.map((s) => `• ${s.id} (${s.reason})`), ...listingProblem],
        actions: unwell.map(actionFor),
      };
    },
  };
}
