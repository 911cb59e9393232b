import { COPY_ACTION, RERUN_ACTION } from '../doctor/card.js';
import type { ActionKind } from '../insights/catalog/entry.js';
import type { Role } from './roles.js';

/**
 * The gate a recovery action passes before it reaches the platform:
 * - none: pressing it acts (it can be repeated or undone by pressing again);
 * - confirm: the button asks "are you sure?" first (it loses work or changes behaviour);
 * - approval: pressing it asks an approver, and only an approval (two people when the two-person
 *   rule is on) carries it out: irreversible, or it changes what the platform spends.
 */
export type Gate = 'none' | 'confirm' | 'approval';
/** `because`, for an approval gate: why a second person decides, as the asker is told it. */
type Requirement = { role: Role; words: string; gate?: Gate; because?: string };
/** The decisions on the gated irreversible actions (src/approvals/card.ts APPROVAL_ACTIONS). */
type GateDecision = `${'approve' | 'deny'}_${'force_restart_worker' | 'rollback_workstream' | 'action'}`;

/**
 * The role each button needs, the action in words for the refusal ("Restarting a runtime needs
 * the responder role…"), and for every action that changes the platform its gate. Keyed by every
 * ActionKind, so a new kind does not compile until someone decides who may press it and how it
 * is gated; test/auth/requirements.test.ts writes the whole table out.
 * An approval-gated action's role is the deciding one: a responder asks, an approver decides.
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
  restart_runtime: { role: 'responder', words: 'Restarting a runtime', gate: 'none' },
  cancel_loop: { role: 'responder', words: 'Cancelling an agentic loop', gate: 'confirm' },
  restart_mcp_server: { role: 'responder', words: 'Restarting an MCP server', gate: 'none' },
  reset_breaker: { role: 'responder', words: 'Resetting a circuit breaker', gate: 'confirm' },
  retry_task: { role: 'responder', words: 'Retrying a task', gate: 'confirm' },
  skip_task: { role: 'responder', words: 'Skipping a task', gate: 'confirm' },
  restart_worker: { role: 'responder', words: 'Restarting a worker', gate: 'none' },
  // Money and irreversible actions pass the approval gate: deciding them needs an approver.
  approve_budget_override: { role: 'approver', words: 'Approving a budget override' },
  deny_budget_override: { role: 'approver', words: 'Denying a budget override' },
  force_restart_worker: { role: 'approver', words: 'Forcing a worker shutdown and reassigning its tasks', gate: 'approval', because: 'is irreversible (its tasks in flight are cut off)' },
  rollback_workstream: { role: 'approver', words: 'Rolling back a workstream', gate: 'approval', because: 'is irreversible' },
  // The seeds' recovery steps for the kinds that had none (docs/architecture.md, "Every failure has a fix").
  kill_stuck_task: { role: 'responder', words: 'Killing a stuck task and failing its intent', gate: 'confirm' },
  fail_intent: { role: 'responder', words: 'Failing an intent', gate: 'confirm' },
  lower_partner_autonomy: { role: 'responder', words: "Lowering a partner's autonomy", gate: 'confirm' },
  restore_partner_autonomy: { role: 'approver', words: "Restoring a partner's autonomy", gate: 'approval', because: "lets the partner's signals act without human review again" },
  shorten_key_ttl: { role: 'responder', words: 'Shortening the idempotency-key TTL', gate: 'confirm' },
  flush_expired_keys: { role: 'approver', words: 'Flushing old idempotency keys', gate: 'approval', because: 'is irreversible (flushed keys no longer deduplicate)' },
  raise_redis_memory: { role: 'approver', words: "Raising Redis's memory limit", gate: 'approval', because: 'changes what the platform spends' },
  raise_resource_limit: { role: 'approver', words: 'Raising a resource limit', gate: 'approval', because: 'changes a limit every task shares' },
  cancel_task: { role: 'responder', words: 'Cancelling a task', gate: 'confirm' },
  remove_dependency: { role: 'responder', words: 'Removing a task dependency', gate: 'confirm' },
  stop_duplicate_spawns: { role: 'responder', words: 'Stopping duplicate subagents', gate: 'confirm' },
  // Changes only Triage's record of another tool's alert; the sender is not told (the card says so).
  resolve_alert: { role: 'responder', words: 'Resolving an external alert', gate: 'confirm' },
  pause_routine: { role: 'responder', words: 'Pausing a routine', gate: 'confirm' },
  open_breaker: { role: 'responder', words: 'Opening a circuit breaker', gate: 'confirm' },
  replay_dead_letters: { role: 'responder', words: 'Replaying dead letters', gate: 'confirm' },
  compact_context: { role: 'responder', words: "Compacting an agent's context", gate: 'none' },
  add_worker: { role: 'approver', words: 'Adding a worker', gate: 'approval', because: 'changes what the platform spends' },
  raise_mcp_pool: { role: 'responder', words: "Raising an MCP server's pool size", gate: 'confirm' },
  remind_credential_owner: { role: 'responder', words: "Reminding a credential's owner", gate: 'none' },
  rerun_probe: { role: 'responder', words: 'Re-running a probe', gate: 'none' },
  revert_change: { role: 'approver', words: 'Reverting a change', gate: 'approval', because: 'is irreversible' },
  refresh_trace_fixture: { role: 'approver', words: 'Refreshing a trace fixture', gate: 'approval', because: 'accepts the new output as the truth' },
  failover_provider: { role: 'responder', words: 'Routing new work away from a provider', gate: 'confirm' },
  restore_provider: { role: 'responder', words: 'Routing work back to a provider', gate: 'confirm' },
  retry_failed_tasks: { role: 'responder', words: "Retrying a workstream's failed tasks", gate: 'confirm' },
  resume_workstream: { role: 'responder', words: 'Resuming a workstream from a task', gate: 'confirm' },
  // An incident's state is what the whole team reads: responders open and close them.
  declare_incident: { role: 'responder', words: 'Declaring an incident' },
  resolve_incident: { role: 'responder', words: 'Resolving an incident' },
  approve_force_restart_worker: { role: 'approver', words: 'Approving a forced worker shutdown' },
  deny_force_restart_worker: { role: 'approver', words: 'Denying a forced worker shutdown' },
  approve_rollback_workstream: { role: 'approver', words: 'Approving a workstream rollback' },
  deny_rollback_workstream: { role: 'approver', words: 'Denying a workstream rollback' },
  approve_action: { role: 'approver', words: 'Approving a recovery action' },
  deny_action: { role: 'approver', words: 'Denying a recovery action' },
} as const satisfies Record<ActionKind | typeof RERUN_ACTION | typeof COPY_ACTION | GateDecision | 'declare_incident' | 'resolve_incident', Requirement>;

export type KnownAction = keyof typeof REQUIREMENTS;

export const knownActions = Object.keys(REQUIREMENTS) as KnownAction[];

const lookup = (action: string): Requirement | undefined =>
  Object.hasOwn(REQUIREMENTS, action) ? REQUIREMENTS[action as KnownAction] : undefined;

/** Unknown actions need admin: a button nobody classified fails closed, not open. */
export const requiredRole = (action: string): Role => lookup(action)?.role ?? 'admin';

/** The action as the start of a sentence, for refusals and the audit log. */
export const actionInWords = (action: string): string => lookup(action)?.words ?? `The action "${action}"`;

/**
 * The gate of an action that changes the platform; undefined for the rest (card bookkeeping, the
 * Doctor, decisions). An unknown action is gated by approval: unclassified fails closed.
 */
export const gateOf = (action: string): Gate | undefined => {
  const found = lookup(action);
  if (!found) return 'approval';
  return 'gate' in found ? found.gate : undefined;
};

/** Why an approval-gated action needs a second person, as the one who pressed it is told. */
export const approvalReason = (action: string): string => {
  const found = lookup(action);
  return found && 'because' in found && found.because ? found.because : 'needs a second person';
};
