import { z } from 'zod';
import { err, ok } from '../../result.js';
import { defineRecoveryAction, fromPlatformError } from './action.js';

/** Restarting drops every pooled connection: the fix for the seed's exhausted database-query pool. */
export const restartMcpServer = defineRecoveryAction({
  kind: 'restart_mcp_server',
  targetKind: 'mcp_server',
  progress: 'restarting…',
  params: z.object({}),
  async execute(deps, { targetId }) {
    const restarted = await deps.platform.restartMcpServer(targetId);
    if (!restarted.ok) return err(fromPlatformError(restarted.error));
    const server = restarted.value;
    const pool = server.poolSize > 0 ? `, pool ${server.poolInUse}/${server.poolSize} in use` : '';
    return ok({ text: `MCP server ${server.id} restarted ✅ (${server.status}${pool})` });
  },
});
