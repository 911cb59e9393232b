import type { RecoveryAction } from '../action.js';

/** The recovery actions of the routing group (src/platform/operations/routing.ts), by kind. */
export const routingRecoveryActions = {} satisfies Record<string, RecoveryAction>;
