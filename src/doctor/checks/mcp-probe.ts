import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerProbe } from '../config.js';
import { networkReason } from './providers-probe.js';

export type McpProbeOutcome = { ok: true } | { ok: false; reason: string };

/**
 * How long the report waits for a client to close. A stdio child that ignores its closed stdin is
 * killed by the SDK a few seconds later; the finding need not wait for that.
 */
const CLOSE_GRACE_MS = 1_000;

function transportFor(server: McpServerProbe): Transport {
  if (server.transport === 'http') return new StreamableHTTPClientTransport(new URL(server.url));
  // stderr is ignored: a server's log may hold anything, and a finding must never carry a secret.
  return new StdioClientTransport({ command: server.command, args: server.args, stderr: 'ignore' });
}

function mcpReason(error: unknown, deadline: AbortSignal, transport: McpServerProbe['transport']): string {
  if (deadline.aborted) return 'timeout';
  if (error instanceof McpError) {
    if (error.code === ErrorCode.RequestTimeout) return 'timeout';
    if (error.code === ErrorCode.ConnectionClosed) return transport === 'stdio' ? 'process exited' : 'connection closed';
  }
  // The body of an HTTP error may echo anything: the status says enough.
  if (error instanceof StreamableHTTPError && error.code !== undefined) return `HTTP ${error.code}`;
  return networkReason(error);
}

async function closeQuietly(client: Client): Promise<void> {
  const closed = client.close().catch(() => {});
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
}

/**
 * A real MCP handshake: `initialize` (inside connect) then `ping`, both bounded by `timeoutMs` and
 * by the check's signal. The client is always closed, which kills a stdio child.
 */
export async function probeMcpServer(server: McpServerProbe, signal: AbortSignal, timeoutMs: number): Promise<McpProbeOutcome> {
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  const client = new Client({ name: 'triage-doctor', version: '1.0.0' });
  try {
    await client.connect(transportFor(server), { signal: deadline, timeout: timeoutMs });
    await client.ping({ signal: deadline, timeout: timeoutMs });
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: mcpReason(error, deadline, server.transport) };
  } finally {
    await closeQuietly(client);
  }
}
