import { z } from 'zod';
import { percent } from '../../../insights/catalog/helpers.js';
import { ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';

/** Context window high: the platform compacts the agent's context (src/platform/operations/infra.ts). */
export const compactContext = defineRecoveryAction({
  kind: 'compact_context',
  targetKind: 'agent',
  progress: 'compacting its context…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const compacted = await deps.platform.perform('compactContext', targetId, {}, call);
    if (!compacted.ok) return notAnswered(compacted.error, `context of ${targetId} compacted`);
    const c = compacted.value;
    const used = percent(c.usedTokens / c.windowTokens);
    if (c.freedTokens === 0) return ok({ text: `nothing to compact: the context of ${c.agent} is at ${used} of its window ✅` });
    return ok({ text: `context of ${c.agent} compacted to ${used} of its window ✅ (${c.freedTokens.toLocaleString('en-US')} tokens freed; the task anchor and latest turns kept)` });
  },
});
