import type { RecoveryAction } from '../action.js';
import { rerunProbe } from './rerun-probe.js';

/** The recovery actions of the checks group (src/platform/operations/checks.ts), by kind. */
export const checksRecoveryActions = {
  rerun_probe: rerunProbe,
} satisfies Record<string, RecoveryAction>;
