import type { Platform, PlatformResult } from '../platform/port.js';

type Reads = Pick<Platform, 'listRuntimes' | 'listLoops' | 'listMcpServers' | 'listBreakers' | 'listTasks' | 'listWorkers'>;

/** How each kind of target is found and put in words; a kind missing here cannot be read back. */
const READERS: Record<string, (platform: Reads, id: string) => PlatformResult<string | undefined>> = {
  runtime: async (p, id) => described(await p.listRuntimes(), id, (r) => `runtime ${r.id} is ${r.status}${r.lastHeartbeatAt ? `, last heartbeat ${r.lastHeartbeatAt}` : ''}`),
  loop: async (p, id) => described(await p.listLoops(), id, (l) => `loop ${l.id} is ${l.status}`),
  mcp_server: async (p, id) => described(await p.listMcpServers(), id, (s) => `MCP server ${s.id} is ${s.status}, pool ${s.poolInUse}/${s.poolSize} in use`),
  breaker: async (p, id) => described(await p.listBreakers(), id, (b) => `circuit breaker ${b.id} is ${b.state.replace('_', '-')}`),
  task: async (p, id) => described(await p.listTasks(), id, (t) => `task ${t.id} is ${t.state.replace('_', ' ')} (attempt ${t.attempt} of ${t.maxAttempts})`),
  worker: async (p, id) => described(await p.listWorkers(), id, (w) => `worker ${w.id} is ${w.status}`),
};

/**
 * After an action whose outcome nobody knows (a timeout, a broken connection, a deadline), the
 * target's state as the platform shows it now, in words for the card: whoever decides to press
 * Retry sees first whether the restart may in fact have happened. Never fails: a read that does
 * not work says so.
 */
export async function readBack(platform: Reads, target: { kind: string; id: string }): Promise<string | undefined> {
  const reader = READERS[target.kind];
  if (!reader) return undefined;
  const read = await reader(platform, target.id).catch((error: unknown) => ({ ok: false as const, error: { message: (error as Error).message } }));
  if (!read.ok) return `its state could not be read back (${read.error.message})`;
  return read.value === undefined ? `${target.id} is no longer listed by the platform` : `read back: ${read.value}`;
}

function described<T extends { id: string }>(listed: Awaited<PlatformResult<T[]>>, id: string, words: (item: T) => string): Awaited<PlatformResult<string | undefined>> {
  if (!listed.ok) return listed;
  const item = listed.value.find((i) => i.id === id);
  return { ok: true, value: item ? words(item) : undefined };
}
