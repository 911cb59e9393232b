import { eq } from 'drizzle-orm';
import { platformMcpServers } from '../../../db/schema/index.js';
import { ok } from '../../../result.js';
import { MCP_POOL_RAISE_FACTOR } from '../../operations/infra.js';
import { fail, guard, simEvent } from '../context.js';
import { toMcpServer } from '../rows.js';
import type { Handlers } from './handler.js';

/**
 * The simulator's side of raiseMcpPool (src/platform/operations/infra.ts): the seed story's
 * "Updated: max_connections: 20" on the platform_mcp_servers row, under its lock. Connections in
 * use stay; the pool's next report shows the headroom, so the filling-up insight clears.
 */
export const poolRemedies: Handlers<'raiseMcpPool'> = (ctx) => ({
  raiseMcpPool: (serverId, body) =>
    guard(`raise the pool of MCP server ${serverId}`, async () => {
      const at = ctx.now();
      const raised = await ctx.database.db.transaction(async (tx) => {
        const [before] = await tx.select().from(platformMcpServers).where(eq(platformMcpServers.id, serverId)).for('update');
        if (!before) return fail('not_found', `no MCP server named ${serverId}`);
        const size = body.size ?? before.poolSize * MCP_POOL_RAISE_FACTOR;
        if (size <= before.poolSize) return fail('invalid_state', `the pool of ${serverId} already has ${before.poolSize} connections; ${size} would not raise it`);
        const [after] = await tx.update(platformMcpServers).set({ poolSize: size }).where(eq(platformMcpServers.id, serverId)).returning();
        return ok({ server: toMcpServer(after!), previousSize: before.poolSize });
      });
      if (!raised.ok) return raised;
      const { server } = raised.value;
      // Queries that waited for a connection get one now: nothing waits while the pool has room.
      await ctx.publish([simEvent('mcp.pool', { server: server.id, inUse: server.poolInUse, size: server.poolSize, waiting: 0 }, at)]);
      return raised;
    }),
});
