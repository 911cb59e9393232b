import type { RecoveryAction } from '../action.js';
import { failoverProvider } from './failover-provider.js';
import { openBreaker } from './open-breaker.js';
import { pauseRoutine } from './pause-routine.js';
import { restoreProvider } from './restore-provider.js';

/** The recovery actions of the routing group (src/platform/operations/routing.ts), by kind. */
export const routingRecoveryActions = {
  pause_routine: pauseRoutine,
  open_breaker: openBreaker,
  failover_provider: failoverProvider,
  restore_provider: restoreProvider,
} satisfies Record<string, RecoveryAction>;
