import { z } from 'zod';
import { usd } from '../insights/catalog/helpers.js';

/**
 * An audit row as a sentence a lead understands the next morning: "approved a +$5.00 budget
 * override for routine daily-code-review (new limit $15.00)", not "approve budget override
 * approval:1". Pure: the rows stay as written (src/audit/log.ts), and the words are composed when
 * they are read, from the row and what its target names (src/audit/context.ts), so /audit, the
 * incident thread and the minutes' timeline say the same thing.
 */
export type AuditRow = { action: string; target: string; outcome: string; detail?: string | null; durationMs?: number | null };

/** What a row's target names, read back when the row is shown: the approval behind `approval:7`. */
export const ApprovalGist = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('budget_override'), params: z.object({ routineId: z.string(), amountUsd: z.number(), limitUsd: z.number() }) }),
  z.object({ kind: z.literal('force_restart_worker'), params: z.object({ workerId: z.string() }) }),
  z.object({ kind: z.literal('rollback_workstream'), params: z.object({ workstreamId: z.string() }) }),
  z.object({ kind: z.literal('recovery_action'), params: z.object({ action: z.string() }) }),
]);
export type ApprovalGist = z.infer<typeof ApprovalGist> & { decidedBy?: string };

export type AuditContext = { approval?: ApprovalGist };

const NOUN: Record<string, string> = {
  runtime: 'runtime',
  loop: 'loop',
  mcp_server: 'MCP server',
  breaker: 'circuit breaker',
  task: 'task',
  worker: 'worker',
  workstream: 'workstream',
  routine: 'routine',
  approval: 'approval',
  incident: 'incident',
  agent: 'agent',
  intent: 'intent',
  partner: 'partner',
  redis: 'Redis',
  resource: 'resource',
  queue: 'queue',
  provider: 'provider',
  probe: 'probe',
  credential: 'credential',
  suite: 'trace suite',
  endpoint: 'endpoint',
  dependency: 'dependency',
};

/** Each recovery action as [do, done], the target's noun after it. */
const VERBS: Record<string, [string, string]> = {
  restart_runtime: ['restart', 'restarted'],
  cancel_loop: ['cancel', 'cancelled'],
  restart_mcp_server: ['restart', 'restarted'],
  reset_breaker: ['reset', 'reset'],
  retry_task: ['retry', 'retried'],
  skip_task: ['skip', 'skipped'],
  restart_worker: ['restart', 'restarted'],
  force_restart_worker: ['force down and reassign the tasks of', 'forced down and reassigned the tasks of'],
  rollback_workstream: ['roll back', 'rolled back'],
  kill_stuck_task: ['kill the stuck task and fail the intent of', 'killed the stuck task and failed the intent of'],
  fail_intent: ['fail', 'failed'],
  lower_partner_autonomy: ['lower the autonomy of', 'lowered the autonomy of'],
  restore_partner_autonomy: ['restore the autonomy of', 'restored the autonomy of'],
  shorten_key_ttl: ['shorten the idempotency-key TTL of', 'shortened the idempotency-key TTL of'],
  flush_expired_keys: ['flush old idempotency keys from', 'flushed old idempotency keys from'],
  raise_redis_memory: ['raise the memory limit of', 'raised the memory limit of'],
  raise_resource_limit: ['raise the limit of', 'raised the limit of'],
  cancel_task: ['cancel', 'cancelled'],
  remove_dependency: ['remove', 'removed'],
  stop_duplicate_spawns: ['stop the duplicate spawns of', 'stopped the duplicate spawns of'],
  pause_routine: ['pause', 'paused'],
  open_breaker: ['open', 'opened'],
  replay_dead_letters: ['replay the dead letters of', 'replayed the dead letters of'],
  compact_context: ['compact the context of', 'compacted the context of'],
  add_worker: ['add a worker for', 'added a worker for'],
  raise_mcp_pool: ['raise the pool size of', 'raised the pool size of'],
  remind_credential_owner: ['remind the owner of', 'reminded the owner of'],
  rerun_probe: ['re-run', 're-ran'],
  revert_change: ['revert the change behind', 'reverted the change behind'],
  refresh_trace_fixture: ['refresh the fixture of', 'refreshed the fixture of'],
  failover_provider: ['route new work away from', 'routed new work away from'],
  restore_provider: ['route work back to', 'routed work back to'],
  retry_failed_tasks: ['retry the failed tasks of', 'retried the failed tasks of'],
  resume_workstream: ['resume', 'resumed'],
};

const words = (s: string): string => s.replace(/_/g, ' ');

/** 'mcp_server:database-query' → 'MCP server database-query'. */
export function targetWords(target: string): string {
  const at = target.indexOf(':');
  if (at < 0) return target;
  const kind = target.slice(0, at);
  return `${NOUN[kind] ?? words(kind)} ${target.slice(at + 1)}`;
}

/** The card's markers and the refusal's closing formula are for the card; a sentence needs neither. */
export function clean(text: string): string {
  return text
    .replace(/\s*[✅❌]\s*/gu, ' ')
    .replace(/\s*Nothing (more )?was done\.?\s*$/u, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.;:]$/, '');
}

/** Why a click was refused, as the end of "Mike tried to … but …". */
export function refusalWords(detail: string | null | undefined): string {
  const text = detail ?? '';
  const role = /needs the (\w+) role/.exec(text);
  if (role) return `is not ${/^[aeiou]/.test(role[1]!) ? 'an' : 'a'} ${role[1]}`;
  if (/two-person rule/.test(text)) return 'had asked for it, and the two-person rule needs another approver';
  const already = /^Already (.+?)\. Your click changed nothing/.exec(text);
  if (already) return `it was already ${already[1]}`;
  if (/no longer exists/.test(text)) return 'that request no longer exists';
  return text ? `was refused: ${clean(text)}` : 'was refused';
}

/** "a +$5.00 budget override for routine daily-code-review" */
export function approvalWords(approval: ApprovalGist | undefined, target: string): string {
  if (!approval) return targetWords(target);
  switch (approval.kind) {
    case 'budget_override':
      return `a +${usd(approval.params.amountUsd)} budget override for routine ${approval.params.routineId}`;
    case 'force_restart_worker':
      return `a forced shutdown of worker ${approval.params.workerId} (its tasks reassigned)`;
    case 'rollback_workstream':
      return `a rollback of workstream ${approval.params.workstreamId}`;
    case 'recovery_action':
      return `a request to ${VERBS[approval.params.action]?.[0] ?? words(approval.params.action)} ${targetWords(target)}`;
  }
}

function decisionWords(row: AuditRow, approval: ApprovalGist | undefined): string {
  const what = approvalWords(approval, row.target);
  const verb = row.action.startsWith('deny_') ? 'deny' : 'approve';
  const budget = approval?.kind === 'budget_override' ? approval.params : undefined;
  switch (row.outcome) {
    case 'approved':
      if (budget) return `approved ${what} (new limit ${usd(budget.limitUsd + budget.amountUsd)})`;
      return `approved ${what}${row.detail ? ` (${clean(row.detail)})` : ''}`;
    case 'denied':
      return `denied ${what}${budget ? ` (the limit stays ${usd(budget.limitUsd)})` : ''}`;
    case 'failed':
      return `approved ${what}, but the platform refused: ${clean(row.detail ?? 'no reason given')}`;
    case 'refused':
      return `tried to ${verb} ${what} but ${refusalWords(row.detail)}`;
    default:
      return `${verb === 'deny' ? 'denied' : 'approved'} ${what}: ${row.outcome}`;
  }
}

/** "heartbeat detected after 4.2 s" reads as what a lead wants to know: the runtime came back. */
const resultWords = (action: string, detail: string): string => {
  const text = clean(detail);
  return action === 'restart_runtime' ? text.replace(/^heartbeat detected/, 'heartbeat back') : text;
};

function recoveryWords(row: AuditRow, [doIt, done]: [string, string]): string {
  const what = targetWords(row.target);
  const detail = row.detail ?? undefined;
  switch (row.outcome) {
    case 'started':
      return `started to ${doIt} ${what}${detail ? ` (${clean(detail)})` : ''}`;
    case 'succeeded':
      return `${done} ${what}${detail ? ` (${resultWords(row.action, detail)})` : ''}`;
    case 'failed':
      return `tried to ${doIt} ${what}, but it failed: ${clean(detail ?? 'no reason given')}`;
    case 'refused':
      return `tried to ${doIt} ${what} but ${refusalWords(detail)}`;
    case 'duplicate':
      return `pressed again to ${doIt} ${what}; that click was ${clean(detail ?? 'already handled')}, so nothing more was done`;
    case 'busy': {
      const running = /request #(\d+) by (.+) still running/.exec(detail ?? '');
      const whose = running ? `${running[2]}'s ${doIt.split(' ')[0]} (request #${running[1]})` : 'another one';
      return `tried to ${doIt} ${what} while ${whose} was still running; nothing more was done`;
    }
    case 'requested':
      return `asked an approver to ${doIt} ${what}${detail ? ` (${clean(detail)})` : ''}`;
    case 'escalated':
      return `stopped trying to ${doIt} ${what} and handed it to a person${detail ? ` (${clean(detail)})` : ''}`;
    default:
      return `${words(row.action)} ${what}: ${row.outcome}`;
  }
}

/** `/budget request`: "+$5.00: the nightly run needs it" in the row's detail. */
function budgetRequestWords(row: AuditRow): string {
  const asked = /^\+\$(\d+(?:\.\d+)?): (.*)$/s.exec(row.detail ?? '');
  const routine = targetWords(row.target);
  if (!asked) return `asked for a budget override for ${routine}`;
  return `asked for a +${usd(Number(asked[1]))} budget override for ${routine} (${asked[2]})`;
}

/** An approval a replica decided and died before carrying out, finished by another (src/approvals/resume.ts). */
function resumeWords(row: AuditRow, approval: ApprovalGist | undefined): string {
  const what = approvalWords(approval, row.target);
  const by = approval?.decidedBy ? ` that ${approval.decidedBy} approved` : '';
  if (row.outcome === 'failed') return `could not finish ${what}${by}: ${clean(row.detail ?? 'no reason given')}`;
  return `finished ${what}${by} after the replica that took the decision stopped${row.detail ? ` (${clean(row.detail)})` : ''}`;
}

/** The sentence without its subject: the caller puts who did it in front. */
export function auditWords(row: AuditRow, context: AuditContext = {}): string {
  if (/^(approve|deny)_/.test(row.action) && row.target.startsWith('approval:')) return decisionWords(row, context.approval);
  if (row.action.startsWith('resume_')) return resumeWords(row, context.approval);
  if (row.action === 'request_budget_override') return budgetRequestWords(row);
  if (row.action === 'console_login') {
    return row.outcome === 'succeeded' ? 'logged in to the console' : `could not log in to the console from ${targetWords(row.target)} (${clean(row.detail ?? 'refused')})`;
  }
  const verbs = VERBS[row.action];
  if (verbs) return recoveryWords(row, verbs);
  return `${words(row.action)} ${targetWords(row.target)}: ${row.outcome}${row.detail ? ` (${clean(row.detail)})` : ''}`;
}

/** An insight decision from its history (src/insights/lifecycle.ts): who silenced or took which card. */
export function insightDecisionWords(change: string, title: string, suppressMinutes?: number): string {
  if (change === 'dismissed') return `dismissed "${title}"${suppressMinutes ? ` for ${suppressMinutes} minutes` : ''}`;
  if (change === 'acknowledged') return `acknowledged "${title}"`;
  return `${words(change)} "${title}"`;
}
