import { describe, expect, it } from 'vitest';
import { createAuthoriser } from '../../src/auth/authoriser.js';
import { actionInWords, approvalReason, gateOf, knownActions, requiredRole, type Gate } from '../../src/auth/requirements.js';
import { withArticle, type Role } from '../../src/auth/roles.js';
import { RolesConfig } from '../../src/config.js';
import type { Actor } from '../../src/actor.js';

/** The table, written out: what each button needs. */
const NEEDS: Record<string, Role> = {
  dismiss: 'viewer',
  acknowledge: 'viewer',
  run_doctor: 'viewer',
  rerun_doctor: 'viewer',
  copy_doctor_report: 'viewer',
  restart_runtime: 'responder',
  cancel_loop: 'responder',
  restart_mcp_server: 'responder',
  reset_breaker: 'responder',
  retry_task: 'responder',
  skip_task: 'responder',
  restart_worker: 'responder',
  approve_budget_override: 'approver',
  deny_budget_override: 'approver',
  force_restart_worker: 'approver',
  rollback_workstream: 'approver',
  approve_force_restart_worker: 'approver',
  deny_force_restart_worker: 'approver',
  approve_rollback_workstream: 'approver',
  deny_rollback_workstream: 'approver',
  declare_incident: 'responder',
  resolve_incident: 'responder',
  approve_action: 'approver',
  deny_action: 'approver',
  kill_stuck_task: 'responder',
  fail_intent: 'responder',
  lower_partner_autonomy: 'responder',
  restore_partner_autonomy: 'approver',
  shorten_key_ttl: 'responder',
  flush_expired_keys: 'approver',
  raise_redis_memory: 'approver',
  raise_resource_limit: 'approver',
  cancel_task: 'responder',
  remove_dependency: 'responder',
  stop_duplicate_spawns: 'responder',
  pause_routine: 'responder',
  open_breaker: 'responder',
  replay_dead_letters: 'responder',
  compact_context: 'responder',
  add_worker: 'approver',
  raise_mcp_pool: 'responder',
  remind_credential_owner: 'responder',
  rerun_probe: 'responder',
  resolve_alert: 'responder',
  revert_change: 'approver',
  refresh_trace_fixture: 'approver',
  failover_provider: 'responder',
  restore_provider: 'responder',
  retry_failed_tasks: 'responder',
  resume_workstream: 'responder',
};

/**
 * The gate of every action that changes the platform, written out: none (it can be repeated or
 * undone), confirm (it loses work or changes behaviour: the button asks first), approval
 * (irreversible or it changes spend: an approver decides, two people under the two-person rule).
 */
const GATES: Record<string, Gate> = {
  restart_runtime: 'none',
  restart_mcp_server: 'none',
  restart_worker: 'none',
  compact_context: 'none',
  remind_credential_owner: 'none',
  rerun_probe: 'none',
  cancel_loop: 'confirm',
  reset_breaker: 'confirm',
  retry_task: 'confirm',
  skip_task: 'confirm',
  kill_stuck_task: 'confirm',
  fail_intent: 'confirm',
  lower_partner_autonomy: 'confirm',
  shorten_key_ttl: 'confirm',
  cancel_task: 'confirm',
  remove_dependency: 'confirm',
  resolve_alert: 'confirm',
  stop_duplicate_spawns: 'confirm',
  pause_routine: 'confirm',
  open_breaker: 'confirm',
  replay_dead_letters: 'confirm',
  raise_mcp_pool: 'confirm',
  failover_provider: 'confirm',
  restore_provider: 'confirm',
  retry_failed_tasks: 'confirm',
  resume_workstream: 'confirm',
  force_restart_worker: 'approval',
  rollback_workstream: 'approval',
  restore_partner_autonomy: 'approval',
  flush_expired_keys: 'approval',
  raise_redis_memory: 'approval',
  raise_resource_limit: 'approval',
  add_worker: 'approval',
  revert_change: 'approval',
  refresh_trace_fixture: 'approval',
};

const people: Record<Role, Actor> = {
  viewer: { platform: 'slack', userId: 'U0VIEWER' },
  responder: { platform: 'slack', userId: 'U0RESP' },
  approver: { platform: 'slack', userId: 'U0APPR' },
  admin: { platform: 'console', userId: 'grace' },
};
/** What each person may press, spelled out rather than derived from the code under test. */
const MAY: Record<Role, Role[]> = {
  viewer: ['viewer'],
  responder: ['viewer', 'responder'],
  approver: ['viewer', 'responder', 'approver'],
  admin: ['viewer', 'responder', 'approver', 'admin'],
};
const HOLDERS: Record<Role, string[]> = {
  viewer: [],
  responder: ['slack:U0RESP', 'slack:U0APPR', 'console:grace'],
  approver: ['slack:U0APPR', 'console:grace'],
  admin: ['console:grace'],
};

const authoriser = createAuthoriser({
  roles: RolesConfig.parse({ responders: ['slack:U0RESP'], approvers: ['slack:U0APPR'], admins: ['console:grace'] }),
});

describe('what each action needs', () => {
  it('covers every catalog action and the Doctor buttons', () => {
    expect([...knownActions].sort()).toEqual(Object.keys(NEEDS).sort());
    for (const [action, role] of Object.entries(NEEDS)) expect(requiredRole(action), action).toBe(role);
  });

  it('gates every action that changes the platform as the table says, and nothing else', () => {
    const gated = knownActions.filter((a) => gateOf(a) !== undefined).sort();
    expect(gated).toEqual(Object.keys(GATES).sort());
    for (const [action, gate] of Object.entries(GATES)) expect(gateOf(action), action).toBe(gate);
    // An approval-gated action is decided by an approver; the others are pressed by a responder.
    for (const [action, gate] of Object.entries(GATES)) expect(requiredRole(action), action).toBe(gate === 'approval' ? 'approver' : 'responder');
    // Unclassified fails closed here too.
    expect(gateOf('drop_database')).toBe('approval');
    // Whoever asks is told why a second person decides: irreversible, or it changes spend.
    for (const [action, gate] of Object.entries(GATES)) if (gate === 'approval') expect(approvalReason(action), action).toMatch(/^(is irreversible|changes|lets|accepts)/);
  });

  it('fails closed: an action nobody classified needs an admin', () => {
    expect(requiredRole('drop_database')).toBe('admin');
    expect(requiredRole('toString')).toBe('admin');
    expect(actionInWords('drop_database')).toBe('The action "drop_database"');
  });

  describe.each(Object.entries(NEEDS))('%s', (action, needed) => {
    it.each(Object.keys(people) as Role[])('as %s', async (held) => {
      const result = await authoriser.authorise(people[held], requiredRole(action));
      if (MAY[held].includes(needed)) {
        expect(result).toEqual({ ok: true, value: held });
        return;
      }
      expect(result).toEqual({
        ok: false,
        error: {
          code: 'forbidden',
          needed,
          held,
          holders: HOLDERS[needed],
          message: `needs the ${needed} role; you are ${withArticle(held)}. Ask someone who has it: ${HOLDERS[needed].join(', ')}. Nothing was done.`,
        },
      });
    });
  });

  it('reads as one sentence with the action in front', async () => {
    const result = await authoriser.authorise(people.viewer, requiredRole('restart_runtime'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(`${actionInWords('restart_runtime')} ${result.error.message}`).toBe(
      'Restarting a runtime needs the responder role; you are a viewer. Ask someone who has it: slack:U0RESP, slack:U0APPR, console:grace. Nothing was done.',
    );
    const approve = await authoriser.authorise(people.responder, requiredRole('approve_budget_override'));
    expect(approve.ok || `${actionInWords('approve_budget_override')} ${approve.error.message}`).toBe(
      'Approving a budget override needs the approver role; you are a responder. Ask someone who has it: slack:U0APPR, console:grace. Nothing was done.',
    );
  });
});
