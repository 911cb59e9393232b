import { and, eq } from 'drizzle-orm';
import { platformIdempotencyKeys } from '../../db/schema/index.js';
import { ok } from '../../result.js';
import type { ActionCall, Platform, PlatformResult } from '../port.js';
import { fail, type SimContext } from './context.js';

/** The port's actions: every method whose last argument is the ActionCall. */
export type ActionName = 'restartRuntime' | 'cancelLoop' | 'grantBudgetOverride' | 'restartMcpServer' | 'resetCircuitBreaker' | 'retryTask' | 'skipTask' | 'restartWorker' | 'rollbackWorkstream';

type DropCall<F> = F extends (...args: [...infer A, ActionCall]) => infer R ? (...args: A) => R : never;
type OptionalCall<F> = F extends (...args: [...infer A, ActionCall]) => infer R ? (...args: [...A, call?: ActionCall]) => R : never;

/** How the simulator's modules implement an action: the key is handled once, here. */
export type Unkeyed<K extends ActionName> = { [N in K]: DropCall<Platform[N]> };
/** A direct call in this process (a test, a scenario) may leave the key out: nothing can retry it. */
export type KeyOptional<K extends ActionName> = { [N in K]: OptionalCall<Platform[N]> };

/** A first request still running after this was lost with its process; a repeat may take it over. */
const ABANDONED_AFTER_MS = 60_000;
const TAKE_TURNS = 3;

/**
 * The simulated platform honours Idempotency-Key as docs/platform-api.md promises: the first
 * request with a key acts and its answer is kept; a repeat with the same key and the same request
 * gets that answer back without acting again; the same key on a different request is refused.
 * The record is a row claimed before acting, so replicas serving one simulator agree.
 */
export function createIdempotency(ctx: SimContext) {
  const db = ctx.database.db;

  return async function once<T>(call: ActionCall | undefined, request: { operation: string; target: string; body: unknown }, act: () => PlatformResult<T>): PlatformResult<T> {
    if (!call) return act();
    const key = call.idempotencyKey;
    const fingerprint = JSON.stringify([request.operation, request.target, request.body ?? {}]);
    for (let turn = 0; turn < TAKE_TURNS; turn++) {
      const createdAt = ctx.now();
      const [claimed] = await db.insert(platformIdempotencyKeys).values({ key, fingerprint, state: 'pending', createdAt }).onConflictDoNothing().returning();
      if (claimed) return settle(key, act);
      const [seen] = await db.select().from(platformIdempotencyKeys).where(eq(platformIdempotencyKeys.key, key));
      // Deleted between the insert and the read (its first request was refused): claim again.
      if (!seen) continue;
      if (seen.fingerprint !== fingerprint) {
        return fail('invalid_input', `Idempotency-Key ${key} was first used for a different request (${describe(seen.fingerprint)}); send a new key for a new request`);
      }
      if (seen.state === 'done') return ok(seen.response as T);
      const abandoned = createdAt.getTime() - seen.createdAt.getTime() > ABANDONED_AFTER_MS;
      if (!abandoned) return fail('invalid_state', `the request with Idempotency-Key ${key} is still being carried out; ask again in a moment`);
      const [taken] = await db
        .update(platformIdempotencyKeys)
        .set({ createdAt })
                // Compare-and-swap on the claim time: of two repeats taking over, one wins.
        .where(and(eq(platformIdempotencyKeys.key, key), eq(platformIdempotencyKeys.state, 'pending'), eq(platformIdempotencyKeys.createdAt, seen.createdAt)))
        .returning();
      if (taken) return settle(key, act);
    }
    return fail('invalid_state', `the request with Idempotency-Key ${key} keeps changing hands; ask again in a moment`);
  };

  /** Keeps a success's answer for repeats; forgets a refusal, which changed nothing. */
  async function settle<T>(key: string, act: () => PlatformResult<T>): PlatformResult<T> {
    const forget = () => db.delete(platformIdempotencyKeys).where(eq(platformIdempotencyKeys.key, key));
    let result: Awaited<PlatformResult<T>>;
    try {
      result = await act();
    } catch (error) {
      await forget();
      throw error;
    }
    if (result.ok) await db.update(platformIdempotencyKeys).set({ state: 'done', response: result.value as object }).where(eq(platformIdempotencyKeys.key, key));
    else await forget();
    return result;
  }
}

function describe(fingerprint: string): string {
  try {
    const [operation, target] = JSON.parse(fingerprint) as [string, string];
    return `${operation} on ${target}`;
  } catch {
    return 'another action';
  }
}
