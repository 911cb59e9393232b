import { z } from 'zod';
import { ok } from '../../result.js';
import { defineRecoveryAction, notAnswered } from './action.js';

/** Restarting drops every pooled connection: the fix for the seed's exhausted database-query pool. */
export const restartMcpServer = defineRecoveryAction({
  kind: 'restart_mcp_server',
  targetKind: 'mcp_server',
  progress: 'restarting…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const restarted = await deps.platform.restartMcpServer(targetId, call);
    if (!restarted.ok) return notAnswered(restarted.error, `MCP server ${targetId} restarted`);
    const server = restarted.value;
    const pool = server.poolSize > 0 ? `, pool ${server.poolInUse}/${server.poolSize} in use` : '';
    return ok({ text: `MCP server ${server.id} restarted ✅ (${server.status}${pool})` });
  },
});
