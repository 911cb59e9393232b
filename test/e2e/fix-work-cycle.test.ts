import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneDatabaseKind } from '../support/databases.js';
import { PEOPLE, startFixFixture, type FixFixture } from './support/fix-from-card.js';
import { liveCard as live, sendNow } from './support/fix-work.js';

const TITLE = /^Dependency cycle \(2 tasks\)$/;
const WS = 'ws-ulid-002';

/**
 * Orchestration recovery procedures, "Dependency Cycle Detection" (no automatic recovery: broken
 * by hand): the dependency-cycle scenario has task-001 and task-002 wait on each other. The card
 * names both tasks and both dependencies; `remove_dependency.py` or `cancel_task.py` on either,
 * after a confirmation, breaks it.
 */
describe.each(oneDatabaseKind())('dependency cycle, broken from its card on %s', (kind) => {
  let fx: FixFixture;
  beforeAll(async () => {
    fx = await startFixFixture(kind, 'dependency-cycle');
  });
  afterAll(async () => fx?.close());
  const liveCard = (action: string, target: string) => live(fx, TITLE, action, target);

  it('names both tasks and both dependencies, each behind a confirmation; a viewer is refused and audited', async () => {
    const card = await fx.card(TITLE);
    expect(card.card.actions.map((a) => [a.label, a.confirm?.text !== undefined])).toEqual(
      expect.arrayContaining([
        ['Remove task-001 → task-002', true],
        ['Remove task-002 → task-001', true],
        ['Cancel task-001', true],
        ['Cancel task-002', true],
      ]),
    );
    const refused = await fx.press(PEOPLE.viewer, card, 'remove_dependency', 'task-001>task-002');
    expect(refused.reply.text).toMatch(/^Removing a task dependency needs the responder role/);
    expect(await fx.audit('remove_dependency')).toEqual([expect.objectContaining({ actor: 'console:nina', target: 'dependency:task-001>task-002', outcome: 'refused' })]);
    expect((await fx.object('task_dependencies', 'task-001'))?.dependsOn).toEqual(['task-002']);
  });

  it('a task that started meanwhile cannot lose its dependency: ❌ with the platform\'s reason, the cycle still there', async () => {
    await sendNow(fx, 'task-001-started', 'task.state', { taskId: 'task-001', state: 'executing', workstream: WS });
    const card = await liveCard('remove_dependency', 'task-001>task-002');
    await fx.press(PEOPLE.responder, card, 'remove_dependency', 'task-001>task-002');
    await fx.cardSays(card, /❌ Remove dependency task-001>task-002 by James at \d\d:\d\d UTC failed: task task-001 is executing; only a pending task's dependencies can be removed \(nothing was changed\)/);
    expect((await fx.object('task_dependencies', 'task-001'))?.dependsOn).toEqual(['task-002']);
  });

  it('a responder removes the other dependency: task-002 waits for nothing, and the insight clears', async () => {
    const card = await liveCard('remove_dependency', 'task-002>task-001');
    await fx.press(PEOPLE.otherResponder, card, 'remove_dependency', 'task-002>task-001');
    const after = await fx.cardSays(card, /✅ Remove dependency task-002>task-001 by Mike at \d\d:\d\d UTC: dependency task-002 → task-001 removed \(task-002 now waits for nothing\)/);
    expect((await fx.object('task_dependencies', 'task-002'))?.dependsOn).toEqual([]);
    await fx.cardSays(after, /✅ Resolved at/);
    expect((await fx.audit('remove_dependency')).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:nina', 'refused'],
      ['console:james', 'started'],
      ['console:james', 'failed'],
      ['console:mike', 'started'],
      ['console:mike', 'succeeded'],
    ]);
  });

  it('when the planner adds it back, a responder cancels task-002 after the confirmation and the cycle is broken', async () => {
    await sendNow(fx, 'task-002-again', 'task.dependency', { taskId: 'task-002', dependsOn: ['task-001'], workstream: WS });
    const card = await liveCard('cancel_task', 'task-002');
    const refused = await fx.press(PEOPLE.viewer, card, 'cancel_task', 'task-002');
    expect(refused.reply.text).toMatch(/^Cancelling a task needs the responder role/);
    await fx.press(PEOPLE.responder, card, 'cancel_task', 'task-002');
    const after = await fx.cardSays(card, /✅ Cancel task task-002 by James at \d\d:\d\d UTC: task task-002 cancelled \(cancel task from console by James after the confirmation\)/);
    const tasks = await fx.triage.platform.listTasks();
    expect(tasks.ok && tasks.value.find((t) => t.id === 'task-002')?.state).toBe('cancelled');
    expect((await fx.object('task_dependencies', 'task-002'))?.dependsOn).toEqual([]);
    await fx.cardSays(after, /✅ Resolved at/);
    expect((await fx.audit('cancel_task')).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:nina', 'refused'],
      ['console:james', 'started'],
      ['console:james', 'succeeded'],
    ]);
  });
});
