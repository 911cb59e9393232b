import { describe, expect, it } from 'vitest';
import { systemActor } from '../../src/actor.js';
import { approvalCard, approvalDecisionOf, approvalReply } from '../../src/approvals/card.js';
import { Approval } from '../../src/approvals/model.js';
import { parseActionId } from '../../src/chat/action-id.js';
import { Card } from '../../src/chat/card.js';
import { elena, mike } from './support.js';

const RATIONALE = '5 routine runs in the last hour (retry storm during the incident): 3 retries, 4 failed; budget exhausted at 14:49 UTC';

/** The seed's approval: $12.47 spent of $10.00 a month, +$5.00 asked for by Triage. */
const seed = (changes: Partial<Record<string, unknown>> = {}): Approval =>
  Approval.parse({
    id: 7,
    kind: 'budget_override',
    targetKind: 'routine',
    targetId: 'daily-code-review',
    params: { routineId: 'daily-code-review', amountUsd: 5, limitUsd: 10, spentUsd: 12.47, period: 'month' },
    rationale: RATIONALE,
    requestedBy: systemActor,
    requestedByKey: 'system:triage',
    status: 'pending',
    decidedBy: null,
    decidedByKey: null,
    decidedAt: null,
    outcome: null,
    insightId: 42,
    createdAt: new Date('2026-05-03T14:50:00Z'),
    ...changes,
  });

const decided = { decidedBy: elena, decidedByKey: 'slack:U0ELENA', decidedAt: new Date('2026-05-03T14:02:41Z') };

describe('the approval card', () => {
  it('shows the seed\'s budget override: routine, scope, limit, spend at 124%, +$5.00 and why', () => {
    const card = approvalCard(seed());
    expect(Card.parse(card)).toEqual(card);
    expect(card).toMatchObject({ title: 'Budget override: daily-code-review', state: 'pending', category: 'governance' });
    expect(card.fields).toEqual([
      { label: 'Routine', value: 'daily-code-review' },
      { label: 'Scope', value: 'Routine budget, per month' },
      { label: 'Limit', value: '$10.00' },
      { label: 'Spent', value: '$12.47 (124% of limit)' },
      { label: 'Requested override', value: '+$5.00' },
      { label: 'Rationale', value: RATIONALE },
    ]);
    expect(card.text).toBe('Approve raises the limit by $5.00 and unpauses the routine; Deny leaves it paused.');
    expect(card.context).toBe('Requested by Triage at 14:50 UTC · waiting for an approver · approval #7');
  });

  it('offers Approve, Deny and View logs while pending, with ids naming the approval and the routine', () => {
    const card = approvalCard(seed());
    expect(card.actions.map((a) => [a.label, a.style])).toEqual([
      ['Approve', 'primary'],
      ['Deny', 'danger'],
      ['View logs', 'default'],
    ]);
    const refs = card.actions.map((a) => parseActionId(a.id));
    const subject = { kind: 'approval', id: '7' };
    const target = { kind: 'routine', id: 'daily-code-review' };
    expect(refs).toEqual([
      { ok: true, value: { action: 'approve_budget_override', subject, target } },
      { ok: true, value: { action: 'deny_budget_override', subject, target } },
      { ok: true, value: { action: 'view_logs', subject, target } },
    ]);
    expect(approvalDecisionOf('approve_budget_override')).toBe('approve');
    expect(approvalDecisionOf('deny_budget_override')).toBe('deny');
    expect(approvalDecisionOf('view_logs')).toBeUndefined();
  });

  it('after approval: who, when and the new limit, and no buttons left to press', () => {
    const card = approvalCard(seed({ ...decided, status: 'approved', outcome: 'new limit $15.00 · routine unpaused' }));
    expect(card).toMatchObject({ state: 'approved', actions: [], text: '✅ Approved.' });
    expect(card.context).toBe('Approved by Elena at 14:02 UTC · new limit $15.00 · routine unpaused · approval #7');
  });

  it('after a denial: who and when, and that the routine stays paused', () => {
    const card = approvalCard(seed({ ...decided, status: 'denied' }));
    expect(card).toMatchObject({ state: 'denied', actions: [], text: '⛔ Denied. The routine stays paused.' });
    expect(card.context).toBe('Denied by Elena at 14:02 UTC · approval #7');
  });

  it('an approval the platform refused looks denied and says why', () => {
    const card = approvalCard(seed({ ...decided, status: 'failed', outcome: 'routine daily-code-review is archived' }));
    expect(card).toMatchObject({ state: 'denied', severity: 'critical', actions: [] });
    expect(card.context).toBe('Approved by Elena at 14:02 UTC, but the platform refused: routine daily-code-review is archived · approval #7');
  });

  it('a spend with no limit to compare against shows the amount alone', () => {
    const card = approvalCard(seed({ params: { routineId: 'free', amountUsd: 1, limitUsd: 0, spentUsd: 3, period: 'day' } }));
    expect(card.fields.find((f) => f.label === 'Spent')?.value).toBe('$3.00');
    expect(card.fields.find((f) => f.label === 'Scope')?.value).toBe('Routine budget, per day');
  });

  it('other irreversible actions use the same card and gate', () => {
    const card = approvalCard(
      seed({ kind: 'force_restart_worker', targetKind: 'worker', targetId: 'worker-3', params: { workerId: 'worker-3' }, rationale: 'unresponsive for 10 minutes', requestedBy: mike }),
    );
    expect(card.title).toBe('Force restart worker: worker-3');
    expect(card.fields).toEqual([
      { label: 'Worker', value: 'worker-3' },
      { label: 'Rationale', value: 'unresponsive for 10 minutes' },
    ]);
    expect(parseActionId(card.actions[0]!.id)).toMatchObject({ ok: true, value: { action: 'approve_force_restart_worker', target: { kind: 'worker', id: 'worker-3' } } });
  });
});

describe('the words for a refused decision', () => {
  it('names who decided first, when, and how it ended', () => {
    expect(approvalReply({ code: 'already_decided', approval: seed({ ...decided, status: 'approved', outcome: 'new limit $15.00 · routine unpaused' }) })).toBe(
      'Already approved by Elena at 14:02 UTC · new limit $15.00 · routine unpaused. Your click changed nothing.',
    );
    expect(approvalReply({ code: 'already_decided', approval: seed({ ...decided, status: 'denied' }) })).toBe(
      'Already denied by Elena at 14:02 UTC. Your click changed nothing.',
    );
  });

  it('explains the two-person rule to the requester', () => {
    expect(approvalReply({ code: 'own_request', requestedBy: 'Mike' })).toBe(
      'You (Mike) asked for this yourself, and the two-person rule needs a different approver to approve it. Nothing was done; ask another approver.',
    );
  });
});
