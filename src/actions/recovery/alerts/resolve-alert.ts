import { z } from 'zod';
import { err, ok } from '../../../result.js';
import { defineRecoveryAction } from '../action.js';

/**
 * An external alert its sender will not resolve (a one-shot webhook, a monitor that was
 * removed): Triage records the resolve as the sender would have (an alert.resolved event through
 * the intake's writer, src/alerts/resolver.ts), so the board, the card and an incident that holds
 * it all clear the usual way. The sender is not told; the button's confirmation says so.
 */
export const resolveAlert = defineRecoveryAction({
  kind: 'resolve_alert',
  targetKind: 'alert',
  progress: 'resolving…',
  params: z.object({}),
  deadlineMs: () => 10_000,
  async execute(deps, { targetId, call }) {
    if (!deps.alerts) return err({ code: 'platform', text: 'This Triage keeps no external alerts, so there is nothing to resolve. ❌', retryable: false });
    const resolved = await deps.alerts.resolve(targetId, call.idempotencyKey);
    if (!resolved.ok) return err({ code: 'invalid_state', text: `${resolved.error} ❌`, retryable: false });
    return ok({ text: 'resolved in Triage (the sender was not told)' });
  },
});
