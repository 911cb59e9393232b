import { and, eq, ne } from 'drizzle-orm';
import type { z } from 'zod';
import { platformBreakers, platformObjects, platformRoutines } from '../../../db/schema/index.js';
import type { TypedEvent } from '../../../events/vocabulary.js';
import { ok } from '../../../result.js';
import type { EndpointCalm } from '../../operations/routing.js';
import { fail, guard, simEvent, type SimContext } from '../context.js';
import { changeObject } from '../objects.js';
import { toBreaker, toRoutine } from '../rows.js';
import type { Handlers } from './handler.js';
import { ENDPOINT_TRAFFIC, EndpointTraffic } from './routing-events.js';

type Traffic = z.output<typeof EndpointTraffic>;

/** Every object of `kind` that parses, by id. */
export async function listObjects<S extends z.ZodType>(ctx: SimContext, kind: string, schema: S): Promise<Array<{ id: string; state: z.output<S> }>> {
  const rows = await ctx.database.db.select().from(platformObjects).where(eq(platformObjects.kind, kind));
  return rows.flatMap((row) => {
    const parsed = schema.safeParse(row.state);
    return parsed.success ? [{ id: row.id, state: parsed.data as z.output<S> }] : [];
  });
}

/**
 * Takes some callers off the endpoints `affected` selects, and reports each endpoint's new rate
 * as its next sample would (endpoint.calls), so the storm's insight sees the calls drop.
 */
async function calm(ctx: SimContext, at: Date, affected: (t: Traffic) => boolean, after: (t: Traffic) => Traffic): Promise<{ calmed: EndpointCalm[]; events: TypedEvent[] }> {
  const calmed: EndpointCalm[] = [];
  const events: TypedEvent[] = [];
  for (const { id, state } of await listObjects(ctx, ENDPOINT_TRAFFIC, EndpointTraffic)) {
    if (!affected(state)) continue;
    const changed = await changeObject(ctx.database.db, at, { kind: ENDPOINT_TRAFFIC, id, schema: EndpointTraffic }, (current) => ok(after(current ?? state)));
    if (!changed.ok) continue;
    const t = changed.value.after;
    calmed.push({ endpoint: id, callsPerMinute: t.callsPerMinute, baselinePerMinute: t.baselinePerMinute });
    events.push(
      simEvent(
        'endpoint.calls',
        {
          endpoint: id,
          callsPerMinute: t.callsPerMinute,
          ...(t.baselinePerMinute !== null ? { baselinePerMinute: t.baselinePerMinute } : {}),
          ...(t.routine ? { routine: t.routine, routineCallsPerMinute: t.routineCallsPerMinute ?? 0 } : {}),
          ...(t.breaker ? { breaker: t.breaker } : {}),
        },
        at,
      ),
    );
  }
  return { calmed, events };
}

/**
 * The paused routine's calls stop. When the sample did not say how many were its, it is taken as
 * the whole excess over the baseline: the storm is what the research says pausing removes.
 */
function withoutRoutine(t: Traffic): Traffic {
  const share = t.routineCallsPerMinute ?? Math.max(0, t.callsPerMinute - (t.baselinePerMinute ?? 0));
  return { ...t, callsPerMinute: Math.max(0, t.callsPerMinute - share), routine: null, routineCallsPerMinute: null };
}

/** The simulator's side of the retry-storm operations of src/platform/operations/routing.ts. */
export const stormRemedies: Handlers<'pauseRoutine' | 'openBreaker'> = (ctx) => ({
  pauseRoutine: (routineId, { reason }) =>
    guard(`pause routine ${routineId}`, async () => {
      const at = ctx.now();
      const [row] = await ctx.database.db
        .update(platformRoutines)
        .set({ status: 'paused', pausedReason: reason })
        .where(and(eq(platformRoutines.id, routineId), ne(platformRoutines.status, 'paused')))
        .returning();
      if (!row) {
        const [existing] = await ctx.database.db.select().from(platformRoutines).where(eq(platformRoutines.id, routineId));
        if (!existing) return fail('not_found', `no routine named ${routineId}`);
        return fail('invalid_state', `routine ${routineId} is already paused (${existing.pausedReason ?? 'no reason given'})`);
      }
      const { calmed, events } = await calm(ctx, at, (t) => t.routine === routineId, withoutRoutine);
      await ctx.publish([simEvent('routine.paused', { routine: routineId, reason }, at), ...events]);
      return ok({ routine: toRoutine(row), calmed });
    }),

  openBreaker: (breakerId) =>
    guard(`open circuit breaker ${breakerId}`, async () => {
      const at = ctx.now();
      const [row] = await ctx.database.db
        .update(platformBreakers)
        .set({ state: 'open' })
        .where(and(eq(platformBreakers.id, breakerId), ne(platformBreakers.state, 'open')))
        .returning();
      if (!row) {
        const [existing] = await ctx.database.db.select().from(platformBreakers).where(eq(platformBreakers.id, breakerId));
        if (!existing) return fail('not_found', `no circuit breaker named ${breakerId}`);
        return fail('invalid_state', `circuit breaker ${breakerId} is already open`);
      }
      // Open, it rejects its callers' requests before they reach the endpoint (self-healing research, "circuit breaker pattern").
      const { calmed, events } = await calm(ctx, at, (t) => t.breaker === breakerId, (t) => ({ ...t, callsPerMinute: 0, routineCallsPerMinute: t.routine ? 0 : null }));
      const breaker = { breaker: row.id, state: 'open' as const, ...(row.partner ? { partner: row.partner } : {}), ...(row.failureRate !== null ? { failureRate: row.failureRate } : {}) };
      await ctx.publish([simEvent('breaker.state', breaker, at), ...events]);
      return ok({ breaker: toBreaker(row), calmed });
    }),
});
