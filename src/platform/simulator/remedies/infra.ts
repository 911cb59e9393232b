import { z } from 'zod';
import type { infraOperations } from '../../operations/infra.js';
import { ok } from '../../../result.js';
import { fail, guard, simEvent } from '../context.js';
import { changeObject } from '../objects.js';
import type { Handlers } from './handler.js';
import { AGENT_CONTEXT } from './infra-events.js';
import { poolRemedies } from './infra-pool.js';
import { queueRemedies } from './infra-queues.js';
import { redisRemedies } from './infra-redis.js';

const ContextState = z.object({ usedTokens: z.number().nonnegative(), windowTokens: z.number().positive() });
/**
 * What an anchored compaction keeps (self-healing research, "context management"): the original
 * task, a summary of the earlier turns and the latest messages, about a quarter of the window.
 */
const KEPT_AFTER_COMPACTION = 0.25;

/** The simulator's side of src/platform/operations/infra.ts. */
export const infraRemedies: Handlers<keyof typeof infraOperations> = (ctx) => ({
  ...redisRemedies(ctx),
  ...queueRemedies(ctx),
  ...poolRemedies(ctx),
  compactContext: (agent) =>
    guard(`compact the context of ${agent}`, async () => {
      const at = ctx.now();
      const changed = await changeObject(ctx.database.db, at, { kind: AGENT_CONTEXT, id: agent, schema: ContextState }, (current) => {
        if (!current) return fail('not_found', `no context usage is known for agent ${agent}`);
        return ok({ ...current, usedTokens: Math.min(current.usedTokens, Math.round(current.windowTokens * KEPT_AFTER_COMPACTION)) });
      });
      if (!changed.ok) return changed;
      const { before, after } = changed.value;
      // The agent reports its new usage like any other, and the insight sees it drop.
      await ctx.publish([simEvent('context.usage', { agent, usedTokens: after.usedTokens, windowTokens: after.windowTokens }, at)]);
      return ok({ agent, usedTokens: after.usedTokens, windowTokens: after.windowTokens, freedTokens: (before?.usedTokens ?? after.usedTokens) - after.usedTokens });
    }),
});
