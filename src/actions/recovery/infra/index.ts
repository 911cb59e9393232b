import type { RecoveryAction } from '../action.js';
import { compactContext } from './compact-context.js';

/** The recovery actions of the infra group (src/platform/operations/infra.ts), by kind. */
export const infraRecoveryActions = {
  compact_context: compactContext,
} satisfies Record<string, RecoveryAction>;
