import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneDatabaseKind } from '../support/databases.js';
import { PEOPLE, startFixFixture, type FixFixture } from './support/fix-from-card.js';
import { liveCard, sendNow } from './support/fix-work.js';

const TITLE = /^Resource exhausted: git_repo_write$/;

/**
 * Orchestration recovery procedures, "Resource Exhaustion Recovery": the resource-exhausted
 * scenario has task-201 hold the only git_repo_write slot with three tasks waiting. Raise limit
 * (`set_resource_limit.py --max-holders 2`) passes an approval under the two-person rule; Cancel
 * task-201 (`cancel_task.py`) asks for a confirmation and releases what it holds.
 */
describe.each(oneDatabaseKind())('resource exhausted, fixed from its card on %s', (kind) => {
  let fx: FixFixture;
  beforeAll(async () => {
    fx = await startFixFixture(kind, 'resource-exhausted');
  });
  afterAll(async () => fx?.close());

  it('Raise limit: a viewer may not ask; an approver asks, may not approve it herself, another approver does, and it runs once', async () => {
    const card = await fx.card(TITLE);
    const raise = card.card.actions.find((a) => a.label === 'Raise limit to 2');
    expect(raise?.confirm).toBeUndefined();
    const refused = await fx.press(PEOPLE.viewer, card, 'raise_resource_limit', 'git_repo_write');
    expect(refused.reply.text).toMatch(/^Asking for this needs the responder role/);

    const asked = await fx.press(PEOPLE.approver, card, 'raise_resource_limit', 'git_repo_write');
    expect(asked.reply.text).toMatch(/^Raising a resource limit changes a limit every task shares, so it needs an approver: approval #\d+; the card you pressed shows it/);
    const pending = await fx.cardSays(card, /🕒 A request to raise the limit of resource git_repo_write, asked for by Elena at \d\d:\d\d UTC, is waiting for an approver/);
    expect((await fx.object('resource', 'git_repo_write'))?.limit).toBe(1);

    const responderTry = await fx.press(PEOPLE.otherResponder, pending, 'approve_action', 'git_repo_write');
    expect(responderTry.reply.text).toMatch(/needs the approver role/);
    const ownTry = await fx.press(PEOPLE.approver, pending, 'approve_action', 'git_repo_write');
    expect(ownTry.reply.text).toMatch(/two-person rule/);
    await fx.press(PEOPLE.otherApprover, pending, 'approve_action', 'git_repo_write');
    const after = await fx.cardSays(card, /✅ Alex approved a request to raise the limit of resource git_repo_write at \d\d:\d\d UTC: resource git_repo_write now allows 2 holders \(1 held, 3 waiting\)/);
    // Once: one holder more, not two.
    expect(await fx.object('resource', 'git_repo_write')).toMatchObject({ used: 1, limit: 2, heldBy: 'task-201' });
    await fx.cardSays(after, /✅ Resolved at/);
    expect((await fx.audit('raise_resource_limit')).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:nina', 'refused'],
      ['console:elena', 'requested'],
    ]);
    expect((await fx.audit('approve_action')).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:mike', 'refused'],
      ['console:elena', 'refused'],
      ['console:alex', 'approved'],
    ]);
  });

  it('Cancel task-201 when the raised limit fills up too: a viewer is refused; a responder cancels it after the confirmation and its slot is released', async () => {
    // A second task took the new slot; task-201 still hangs on its own.
    const full = { resource: 'git_repo_write', used: 2, limit: 2, heldBy: 'task-201', waiting: 2 };
    await sendNow(fx, 'full-again', 'resource.usage', full);
    const card = await liveCard(fx, TITLE, 'cancel_task', 'task-201');
    expect(card.card.actions.find((a) => a.label === 'Cancel task-201')?.confirm?.text).toMatch(/Cancel task-201\? Its work in progress is lost/);
    const refused = await fx.press(PEOPLE.viewer, card, 'cancel_task', 'task-201');
    expect(refused.reply.text).toMatch(/^Cancelling a task needs the responder role/);

    await fx.press(PEOPLE.responder, card, 'cancel_task', 'task-201');
    const after = await fx.cardSays(card, /✅ Cancel task task-201 by James at \d\d:\d\d UTC: task task-201 cancelled \(cancel task from console by James after the confirmation\) · git_repo_write released/);
    const tasks = await fx.triage.platform.listTasks();
    expect(tasks.ok && tasks.value.find((t) => t.id === 'task-201')?.state).toBe('cancelled');
    expect(await fx.object('resource', 'git_repo_write')).toMatchObject({ used: 1, limit: 2, heldBy: null });
    await fx.cardSays(after, /✅ Resolved at/);
    expect((await fx.audit('cancel_task')).map((r) => [r.actor, r.target, r.outcome])).toEqual([
      ['console:nina', 'task:task-201', 'refused'],
      ['console:james', 'task:task-201', 'started'],
      ['console:james', 'task:task-201', 'succeeded'],
    ]);
  });
});
