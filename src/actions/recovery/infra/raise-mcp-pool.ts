import { z } from 'zod';
import { ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';

/**
 * MCP pool filling up (the seed story: "Recommendation: Increase pool size", then "Increase
 * connection pool from 5 to 20"): the platform grows the pool four-fold before it runs dry.
 */
export const raiseMcpPool = defineRecoveryAction({
  kind: 'raise_mcp_pool',
  targetKind: 'mcp_server',
  progress: 'raising the connection pool…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const raised = await deps.platform.perform('raiseMcpPool', targetId, {}, call);
    if (!raised.ok) return notAnswered(raised.error, `pool of ${targetId} raised`);
    const { server: s, previousSize } = raised.value;
    return ok({ text: `pool of ${s.id} raised from ${previousSize} to ${s.poolSize} connections ✅ (${s.poolInUse} of ${s.poolSize} in use)` });
  },
});
