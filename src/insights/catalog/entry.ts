import type { z } from 'zod';
import type { Category, Severity } from '../../chat/card.js';
import type { SignalWindow } from '../signal-window.js';
import type { PlatformSnapshot } from '../platform-snapshot.js';
import type { Gap } from '../../cluster/presence.js';
import type { BoardAlert } from '../../alerts/model.js';

/**
 * One failure kind from the seeds: how it is detected, what its card says, which buttons fix it,
 * its runbook, the preventive ticket it suggests, and what usually causes it. Adding a failure
 * kind means adding one file that exports one CatalogEntry.
 */
export type Entity = { kind: EntityKind; id: string; label?: string; detail?: string };
export type EntityKind =
  | 'runtime' | 'employee' | 'loop' | 'routine' | 'mcp_server' | 'provider' | 'worker' | 'task'
  | 'workstream' | 'breaker' | 'partner' | 'agent' | 'database' | 'suite' | 'redis' | 'queue'
  | 'credential' | 'probe' | 'endpoint' | 'resource' | 'alert' | 'intent' | 'dependency';

/**
 * What the buttons do. Who may press each and which gate it passes (none, confirm, approval) is
 * one table, src/auth/requirements.ts; each recovery action is in src/actions/recovery/index.ts.
 */
export type ActionKind =
  | 'dismiss' | 'acknowledge' | 'restart_runtime' | 'cancel_loop' | 'approve_budget_override'
  | 'deny_budget_override' | 'restart_mcp_server' | 'reset_breaker' | 'retry_task' | 'skip_task'
  | 'restart_worker' | 'force_restart_worker' | 'rollback_workstream' | 'run_doctor'
  | RemedyKind;

/** The recovery actions for the failure kinds that had no fixing button (seeds: playbook, procedures, research). */
export type RemedyKind =
  // agent execution timeout, hallucination detected
  | 'kill_stuck_task' | 'fail_intent'
  // partner trust low, and its follow-up after probation
  | 'lower_partner_autonomy' | 'restore_partner_autonomy'
  // Redis memory pressure
  | 'shorten_key_ttl' | 'flush_expired_keys' | 'raise_redis_memory'
  // resource exhausted, dependency cycle, duplicate subagent spawns
  | 'raise_resource_limit' | 'cancel_task' | 'remove_dependency' | 'stop_duplicate_spawns'
  // retry storm, dead letters, context window, task queue, MCP pool
  | 'pause_routine' | 'open_breaker' | 'replay_dead_letters' | 'compact_context' | 'add_worker' | 'raise_mcp_pool'
  // credential expiring, probe failing, trace replay regression
  | 'remind_credential_owner' | 'rerun_probe' | 'revert_change' | 'refresh_trace_fixture'
  // provider degraded (and back), workstream failed
  | 'failover_provider' | 'restore_provider' | 'retry_failed_tasks' | 'resume_workstream'
  // an external alert its sender will not resolve
  | 'resolve_alert';

export type ActionSpec = {
  action: ActionKind;
  label: string;
  /** The entity the action acts on; absent for card-level actions (dismiss, acknowledge). */
  target?: Entity;
  style?: 'primary' | 'danger' | 'default';
  confirm?: string;
};

export type Detection = {
  /** What makes two detections the same insight (e.g. the runtime id, or 'workspace'). */
  scope: string;
  /** Overrides the entry's default severity, e.g. memory 80% warning vs 95% critical. */
  severity?: Severity;
  summary: string;
  detail?: string;
  entities: Entity[];
  fields?: Array<{ label: string; value: string }>;
  /** Numbers the card, the minutes and the tickets quote (counts, spend, pool size...). */
  facts?: Record<string, string | number | boolean>;
  /** Links the sender gave (an external alert's source, dashboard, silence), shown on the card. */
  links?: Array<{ text: string; url: string }>;
};

export type DetectContext<TThresholds> = {
  window: SignalWindow;
  platform: PlatformSnapshot;
  now: number;
  thresholds: TThresholds;
  /**
   * When Triage itself was not accepting events (src/cluster/presence.ts): whatever the platform
   * sent then was lost, so a silence that spans one is Triage's, not the platform's (heardSince).
   */
  gaps: readonly Gap[];
  /** External alerts still open (src/alerts/board.ts): kept until their sender resolves them. */
  alerts: readonly BoardAlert[];
};

export type PreventiveTicket = {
  title: string;
  description: string;
  owner?: string;
  deliverables: string[];
  labels?: string[];
};

export type CatalogEntry<TSchema extends z.ZodType = z.ZodType> = {
  kind: string;
  /** The seed document family (team-x, playbook, self-healing, recovery-procedures), or 'integrations' for what other tools send. */
  source: 'team-x' | 'playbook' | 'self-healing' | 'recovery-procedures' | 'integrations';
  name: string;
  severity: Severity;
  category: Category;
  /** Thresholds with the seeds' numbers as defaults; overridable per kind in config. */
  thresholds: TSchema;
  detect(ctx: DetectContext<z.infer<TSchema>>): Detection[];
  title(detection: Detection): string;
  actions(detection: Detection): ActionSpec[];
  /**
   * Why the card offers no button that fixes it, for the one kind whose fix is not Triage's to
   * make (test/insights/catalog/every-kind-has-a-fix.test.ts allows no other).
   */
  noFixBecause?: string;
  runbook: string[];
  preventiveTicket: PreventiveTicket;
  /** Kinds that usually cause this one: the dependency map for recovery order and root causes. */
  causedBy: string[];
  /** Lower runs first when ordering recovery (fix MCP before restarting runtimes...). */
  recoveryRank: number;
  lessons?: string[];
};

/** Keeps each entry's thresholds type tied to its own schema. */
export const defineEntry = <TSchema extends z.ZodType>(entry: CatalogEntry<TSchema>): CatalogEntry<TSchema> => entry;
