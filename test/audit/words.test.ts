import { describe, expect, it } from 'vitest';
import { auditWords, insightDecisionWords } from '../../src/audit/words.js';

const budget = { approval: { kind: 'budget_override' as const, params: { routineId: 'daily-code-review', amountUsd: 5, limitUsd: 10 }, decidedBy: 'Elena' } };
const row = (action: string, target: string, outcome: string, detail?: string) => ({ action, target, outcome, ...(detail ? { detail } : {}) });

describe('an audit row in words', () => {
  it('says which routine, how much and the new limit for a decision on a budget override', () => {
    expect(auditWords(row('approve_budget_override', 'approval:1', 'approved', 'new limit $15.00 · routine unpaused'), budget)).toBe(
      'approved a +$5.00 budget override for routine daily-code-review (new limit $15.00)',
    );
    expect(auditWords(row('deny_budget_override', 'approval:1', 'denied'), budget)).toBe('denied a +$5.00 budget override for routine daily-code-review (the limit stays $10.00)');
    expect(auditWords(row('approve_budget_override', 'approval:1', 'failed', 'routine daily-code-review is archived'), budget)).toBe(
      'approved a +$5.00 budget override for routine daily-code-review, but the platform refused: routine daily-code-review is archived',
    );
  });

  it('says why a click was refused: the missing role, the two-person rule, a decision taken already', () => {
    const role = 'Approving a budget override needs the approver role; you are a responder. Ask someone who has it: Elena. Nothing was done.';
    expect(auditWords(row('approve_budget_override', 'approval:1', 'refused', role), budget)).toBe('tried to approve a +$5.00 budget override for routine daily-code-review but is not an approver');
    const own = 'You (Mike) asked for this yourself, and the two-person rule needs a different approver to approve it. Nothing was done; ask another approver.';
    expect(auditWords(row('approve_budget_override', 'approval:1', 'refused', own), budget)).toMatch(/but had asked for it, and the two-person rule needs another approver$/);
    const late = 'Already approved by Elena at 14:33 UTC · new limit $15.00 · routine unpaused. Your click changed nothing.';
    expect(auditWords(row('deny_budget_override', 'approval:1', 'refused', late), budget)).toBe(
      'tried to deny a +$5.00 budget override for routine daily-code-review but it was already approved by Elena at 14:33 UTC · new limit $15.00 · routine unpaused',
    );
    const responder = 'Restarting a runtime needs the responder role; you are a viewer. Ask someone who has it: James. Nothing was done.';
    expect(auditWords(row('restart_runtime', 'runtime:bash-runtime-mike', 'refused', responder))).toBe('tried to restart runtime bash-runtime-mike but is not a responder');
  });

  it('says what a recovery did, or the platform reason it failed', () => {
    expect(auditWords(row('restart_runtime', 'runtime:bash-runtime-mike', 'succeeded', 'heartbeat detected ✅ after 4.2 s'))).toBe('restarted runtime bash-runtime-mike (heartbeat back after 4.2 s)');
    expect(auditWords(row('restart_mcp_server', 'mcp_server:database-query', 'failed', 'MCP server database-query is not on the platform ❌'))).toBe(
      'tried to restart MCP server database-query, but it failed: MCP server database-query is not on the platform',
    );
    expect(auditWords(row('restart_runtime', 'runtime:bash-runtime-mike', 'busy', 'request #4 by James still running'))).toBe(
      "tried to restart runtime bash-runtime-mike while James's restart (request #4) was still running; nothing more was done",
    );
    expect(auditWords(row('cancel_loop', 'loop:loop-ticket-55', 'started'))).toBe('started to cancel loop loop-ticket-55');
    expect(auditWords(row('restart_runtime', 'runtime:bash-runtime-mike', 'duplicate', 'already handled as request #4'))).toBe(
      'pressed again to restart runtime bash-runtime-mike; that click was already handled as request #4, so nothing more was done',
    );
  });

  it('says what was asked for: a budget override by hand, an irreversible action through the gate', () => {
    expect(auditWords(row('request_budget_override', 'routine:nightly-data-sync', 'requested', '+$2.50: the backfill runs tonight'))).toBe(
      'asked for a +$2.50 budget override for routine nightly-data-sync (the backfill runs tonight)',
    );
    expect(auditWords(row('force_restart_worker', 'worker:worker-002', 'requested', 'approval #3'))).toBe('asked an approver to force down and reassign the tasks of worker worker-002 (approval #3)');
  });

  it('says who finished an approval a stopped replica had decided, and falls back to the bare target when the approval is gone', () => {
    expect(auditWords(row('resume_budget_override', 'approval:1', 'succeeded', 'new limit $15.00 · routine unpaused'), budget)).toBe(
      'finished a +$5.00 budget override for routine daily-code-review that Elena approved after the replica that took the decision stopped (new limit $15.00 · routine unpaused)',
    );
    expect(auditWords(row('approve_budget_override', 'approval:9', 'approved'))).toBe('approved approval 9');
  });

  it('says what an insight decision silenced and for how long', () => {
    expect(insightDecisionWords('dismissed', 'MCP pool exhausted: database-query', 30)).toBe('dismissed "MCP pool exhausted: database-query" for 30 minutes');
    expect(insightDecisionWords('acknowledged', 'OpenAI degraded')).toBe('acknowledged "OpenAI degraded"');
  });
});
