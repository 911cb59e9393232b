import { z } from 'zod';
import { ok } from '../../../result.js';
import { defineRecoveryAction, notAnswered } from '../action.js';

/** Provider degraded (Team-X ticket #63): new work to a healthy provider, the seed's backup first. */
export const failoverProvider = defineRecoveryAction({
  kind: 'failover_provider',
  targetKind: 'provider',
  progress: 'failing over…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    const routed = await deps.platform.perform('failoverProvider', targetId, {}, call);
    if (!routed.ok) return notAnswered(routed.error, `new work of ${targetId} routed to a healthy provider`);
    const r = routed.value;
    return ok({ text: `new work of ${r.provider} goes to ${r.routedTo ?? 'another provider'} ✅ (work already running stays; a card offers to switch back once ${r.provider} is healthy)` });
  },
});
