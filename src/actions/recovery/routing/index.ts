import type { RecoveryAction } from '../action.js';
import { failoverProvider } from './failover-provider.js';
import { lowerPartnerAutonomy } from './lower-partner-autonomy.js';
import { openBreaker } from './open-breaker.js';
import { pauseRoutine } from './pause-routine.js';
import { restorePartnerAutonomy } from './restore-partner-autonomy.js';
import { restoreProvider } from './restore-provider.js';

/** The recovery actions of the routing group (src/platform/operations/routing.ts), by kind. */
export const routingRecoveryActions = {
  pause_routine: pauseRoutine,
  open_breaker: openBreaker,
  failover_provider: failoverProvider,
  restore_provider: restoreProvider,
  lower_partner_autonomy: lowerPartnerAutonomy,
  restore_partner_autonomy: restorePartnerAutonomy,
} satisfies Record<string, RecoveryAction>;
