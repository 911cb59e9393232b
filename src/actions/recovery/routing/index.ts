import type { RecoveryAction } from '../action.js';
import { openBreaker } from './open-breaker.js';
import { pauseRoutine } from './pause-routine.js';

/** The recovery actions of the routing group (src/platform/operations/routing.ts), by kind. */
export const routingRecoveryActions = {
  pause_routine: pauseRoutine,
  open_breaker: openBreaker,
} satisfies Record<string, RecoveryAction>;
