import type { RecoveryAction } from '../action.js';
import { refreshTraceFixture } from './refresh-trace-fixture.js';
import { remindCredentialOwner } from './remind-credential-owner.js';
import { rerunProbe } from './rerun-probe.js';
import { revertChange } from './revert-change.js';

/** The recovery actions of the checks group (src/platform/operations/checks.ts), by kind. */
export const checksRecoveryActions = {
  remind_credential_owner: remindCredentialOwner,
  rerun_probe: rerunProbe,
  revert_change: revertChange,
  refresh_trace_fixture: refreshTraceFixture,
} satisfies Record<string, RecoveryAction>;
