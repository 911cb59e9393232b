import type { RecoveryAction } from '../action.js';

/** The recovery actions of the work group (src/platform/operations/work.ts), by kind. */
export const workRecoveryActions = {} satisfies Record<string, RecoveryAction>;
