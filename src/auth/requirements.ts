import { COPY_ACTION, RERUN_ACTION } from '../doctor/card.js';
import type { ActionKind } from '../insights/catalog/entry.js';
import type { Role } from './roles.js';

type Requirement = { role: Role; words: string };
/** The decisions on the gated irreversible actions (src/approvals/card.ts APPROVAL_ACTIONS). */
type GateDecision = `${'approve' | 'deny'}_${'force_restart_worker' | 'rollback_workstream'}`;

/**
 * The role each button needs, and the action in words for the refusal ("Restarting a runtime
 * needs the responder role…"). Keyed by every ActionKind, so a new kind does not compile until
 * someone decides who may press it.
 */
const REQUIREMENTS = {
  // Anyone in the channel may acknowledge or silence a card: it changes nothing on the platform,
  // only what Triage shows, and refusing it would leave noise nobody may clear.
  dismiss: { role: 'viewer', words: 'Dismissing a card' },
  acknowledge: { role: 'viewer', words: 'Acknowledging a card' },
  // Doctor only reads; running it is how a viewer finds out whom to call.
  run_doctor: { role: 'viewer', words: 'Running Doctor' },
  [RERUN_ACTION]: { role: 'viewer', words: 'Re-running Doctor' },
  [COPY_ACTION]: { role: 'viewer', words: 'Copying the Doctor report' },
  // Reversible recovery: a restart or retry can be repeated or undone by pressing again.
  restart_runtime: { role: 'responder', words: 'Restarting a runtime' },
  cancel_loop: { role: 'responder', words: 'Cancelling an agentic loop' },
  restart_mcp_server: { role: 'responder', words: 'Restarting an MCP server' },
  reset_breaker: { role: 'responder', words: 'Resetting a circuit breaker' },
  retry_task: { role: 'responder', words: 'Retrying a task' },
  skip_task: { role: 'responder', words: 'Skipping a task' },
  restart_worker: { role: 'responder', words: 'Restarting a worker' },
  // Money and irreversible actions pass the approval gate: deciding them needs an approver.
  approve_budget_override: { role: 'approver', words: 'Approving a budget override' },
  deny_budget_override: { role: 'approver', words: 'Denying a budget override' },
  force_restart_worker: { role: 'approver', words: 'Forcing a worker shutdown and reassigning its tasks' },
  rollback_workstream: { role: 'approver', words: 'Rolling back a workstream' },
  // An incident's state is what the whole team reads: responders open and close them.
  declare_incident: { role: 'responder', words: 'Declaring an incident' },
  resolve_incident: { role: 'responder', words: 'Resolving an incident' },
  approve_force_restart_worker: { role: 'approver', words: 'Approving a forced worker shutdown' },
  deny_force_restart_worker: { role: 'approver', words: 'Denying a forced worker shutdown' },
  approve_rollback_workstream: { role: 'approver', words: 'Approving a workstream rollback' },
  deny_rollback_workstream: { role: 'approver', words: 'Denying a workstream rollback' },
} as const satisfies Record<ActionKind | typeof RERUN_ACTION | typeof COPY_ACTION | GateDecision | 'declare_incident' | 'resolve_incident', Requirement>;

export type KnownAction = keyof typeof REQUIREMENTS;

export const knownActions = Object.keys(REQUIREMENTS) as KnownAction[];

const lookup = (action: string): Requirement | undefined =>
  Object.hasOwn(REQUIREMENTS, action) ? REQUIREMENTS[action as KnownAction] : undefined;

/** Unknown actions need admin: a button nobody classified fails closed, not open. */
export const requiredRole = (action: string): Role => lookup(action)?.role ?? 'admin';

/** The action as the start of a sentence, for refusals and the audit log. */
export const actionInWords = (action: string): string => lookup(action)?.words ?? `The action "${action}"`;
