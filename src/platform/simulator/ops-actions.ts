import { eq, sql } from 'drizzle-orm';
import { platformBreakers, platformMcpServers, platformRoutines } from '../../db/schema/index.js';
import type { TypedEvent } from '../../events/vocabulary.js';
import { ok } from '../../result.js';
import { fail, guard, simEvent, type SimContext } from './context.js';
import type { Unkeyed } from './idempotency.js';
import { toMcpServer, toRoutine } from './rows.js';

type OpsActions = Unkeyed<'grantBudgetOverride' | 'restartMcpServer' | 'resetCircuitBreaker'>;

/** A fat-fingered "+5000" on a $10 routine should be refused here, not approved and regretted. */
const MAX_OVERRIDE_USD = 10_000;

export function createOpsActions(ctx: SimContext): OpsActions {
  const db = ctx.database.db;
  return {
    grantBudgetOverride: async (routineId, amountUsd) => {
      if (typeof amountUsd !== 'number' || !Number.isFinite(amountUsd) || amountUsd < 0.01 || amountUsd > MAX_OVERRIDE_USD) {
        return fail('invalid_input', `amountUsd must be a number from 0.01 to ${MAX_OVERRIDE_USD}`);
      }
      return guard(`grant a budget override to ${routineId}`, async () => {
        const at = ctx.now();
        // Locked read then update: the "was it paused?" answer must belong to this very update.
        const change = await db.transaction(async (tx) => {
          const [before] = await tx.select().from(platformRoutines).where(eq(platformRoutines.id, routineId)).for('update');
          if (!before) return null;
          const [after] = await tx
            .update(platformRoutines)
            .set({
              budgetLimitUsd: sql`${platformRoutines.budgetLimitUsd} + ${amountUsd.toFixed(2)}::numeric`,
              status: 'active',
              pausedReason: null,
            })
            .where(eq(platformRoutines.id, routineId))
            .returning();
          return { wasPaused: before.status === 'paused', routine: toRoutine(after!) };
        });
        if (!change) return fail('not_found', `no routine named ${routineId}`);
        const { routine } = change;
        const events: TypedEvent[] = [
          simEvent(
            'routine.spend',
            { routine: routine.id, spentUsd: routine.budgetSpentUsd, limitUsd: routine.budgetLimitUsd, period: routine.budgetPeriod },
            at,
          ),
        ];
        if (change.wasPaused) events.push(simEvent('routine.resumed', { routine: routine.id }, at));
        await ctx.publish(events);
        return ok(routine);
      });
    },

    restartMcpServer: (serverId) =>
      guard(`restart MCP server ${serverId}`, async () => {
        // A restart drops every pooled connection: the pool comes back empty and the server healthy.
        const [row] = await db
          .update(platformMcpServers)
          .set({ status: 'healthy', poolInUse: 0 })
          .where(eq(platformMcpServers.id, serverId))
          .returning();
        if (!row) return fail('not_found', `no MCP server named ${serverId}`);
        const at = ctx.now();
        const pool = row.poolSize > 0 ? [simEvent('mcp.pool', { server: row.id, inUse: 0, size: row.poolSize }, at)] : [];
        await ctx.publish([simEvent('mcp.health', { server: row.id, status: 'healthy' }, at), ...pool]);
        return ok(toMcpServer(row));
      }),

    resetCircuitBreaker: (breakerId) =>
      guard(`reset circuit breaker ${breakerId}`, async () => {
        // Resetting a closed breaker is harmless, so it succeeds: the operator's intent is met.
        const [row] = await db
          .update(platformBreakers)
          .set({ state: 'closed', failureRate: 0 })
          .where(eq(platformBreakers.id, breakerId))
          .returning();
        if (!row) return fail('not_found', `no circuit breaker named ${breakerId}`);
        const attributes = { breaker: row.id, state: 'closed' as const, failureRate: 0, ...(row.partner ? { partner: row.partner } : {}) };
        await ctx.publish([simEvent('breaker.state', attributes, ctx.now())]);
        return ok({ id: row.id, state: 'closed' as const });
      }),
  };
}
