import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneDatabaseKind } from '../support/databases.js';
import { PEOPLE, startFixFixture, type FixFixture } from './support/fix-from-card.js';
import { liveCard, sendNow } from './support/fix-work.js';

const TITLE = /^Workstream ws-ulid-004 failed$/;
const WS = 'ws-ulid-004';

/**
 * Orchestration recovery procedures, "Workstream Failure Recovery": the workstream-failed scenario
 * fails task-003 (validation) and task-004 (its dependency) in ws-ulid-004. Beside Roll back
 * (test/e2e/fix-orchestration.test.ts), the card offers `retry_failed_tasks.py` and
 * `resume_workstream.py --from-task`, each after a confirmation.
 */
describe.each(oneDatabaseKind())('failed workstream, retried or resumed from its card on %s', (kind) => {
  let fx: FixFixture;
  beforeAll(async () => {
    fx = await startFixFixture(kind, 'workstream-failed');
  });
  afterAll(async () => fx?.close());

  const task = async (id: string) => {
    const tasks = await fx.triage.platform.listTasks();
    return tasks.ok ? tasks.value.find((t) => t.id === id) : undefined;
  };
  const state = async () => {
    const workstreams = await fx.triage.platform.listWorkstreams();
    return workstreams.ok ? workstreams.value.find((w) => w.id === WS)?.state : undefined;
  };

  it('Retry failed tasks: a viewer is refused and audited; a responder retries task-003 and task-004 once more, the rest kept', async () => {
    const card = await fx.card(TITLE);
    expect(card.card.actions.map((a) => a.label)).toEqual(expect.arrayContaining(['Retry failed tasks', 'Resume from task-003', 'Resume from task-004', 'Roll back to checkpoint']));
    expect(card.card.actions.find((a) => a.label === 'Retry failed tasks')?.confirm?.text).toBe('Retry the 2 failed tasks of ws-ulid-004? Each runs once more; completed tasks are kept.');
    const refused = await fx.press(PEOPLE.viewer, card, 'retry_failed_tasks', WS);
    expect(refused.reply.text).toMatch(/^Retrying a workstream's failed tasks needs the responder role/);
    expect((await task('task-003'))?.state).toBe('failed');

    await fx.press(PEOPLE.responder, card, 'retry_failed_tasks', WS);
    const after = await fx.cardSays(card, /✅ Retry failed tasks ws-ulid-004 by James at \d\d:\d\d UTC: 2 failed tasks of ws-ulid-004 queued again \(task-003, task-004\); the workstream is running/);
    expect(await task('task-003')).toMatchObject({ state: 'pending', attempt: 4 });
    expect(await task('task-004')).toMatchObject({ state: 'pending', attempt: 2 });
    expect((await task('task-001'))?.state).toBe('completed');
    expect(await state()).toBe('running');
    await fx.cardSays(after, /✅ Resolved at/);
    expect((await fx.audit('retry_failed_tasks')).map((r) => [r.actor, r.target, r.outcome])).toEqual([
      ['console:nina', `workstream:${WS}`, 'refused'],
      ['console:james', `workstream:${WS}`, 'started'],
      ['console:james', `workstream:${WS}`, 'succeeded'],
    ]);
  });

  it('Resume from task-003 when it fails again and is fixed by hand: a viewer is refused; a responder resumes it and task-004 after it', async () => {
    await sendNow(fx, 'again-003', 'task.state', { taskId: 'task-003', state: 'failed', workstream: WS, attempt: 4, maxAttempts: 4, error: 'validation failed: 1 test red' });
    await sendNow(fx, 'again-004', 'task.state', { taskId: 'task-004', state: 'failed', workstream: WS, attempt: 2, maxAttempts: 3, error: 'dependency task-003 failed' });
    await sendNow(fx, 'again-ws', 'workstream.state', { workstream: WS, state: 'failed', failedTasks: 2 });
    const card = await liveCard(fx, TITLE, 'resume_workstream', 'task-003');
    expect(card.card.actions.find((a) => a.label === 'Resume from task-003')?.confirm?.text).toMatch(/^Resume ws-ulid-004 from task-003\? Do it once task-003 is fixed by hand/);
    const refused = await fx.press(PEOPLE.viewer, card, 'resume_workstream', 'task-003');
    expect(refused.reply.text).toMatch(/^Resuming a workstream from a task needs the responder role/);

    await fx.press(PEOPLE.otherResponder, card, 'resume_workstream', 'task-003');
    const after = await fx.cardSays(card, /✅ Resume workstream task-003 by Mike at \d\d:\d\d UTC: workstream ws-ulid-004 resumed from task-003 \(task-003, task-004 pending again\); completed tasks kept/);
    expect(await task('task-003')).toMatchObject({ state: 'pending', attempt: 5 });
    expect(await task('task-004')).toMatchObject({ state: 'pending', attempt: 3 });
    expect(await state()).toBe('running');
    await fx.cardSays(after, /✅ Resolved at/);
    expect((await fx.audit('resume_workstream')).map((r) => [r.actor, r.target, r.outcome])).toEqual([
      ['console:nina', 'task:task-003', 'refused'],
      ['console:mike', 'task:task-003', 'started'],
      ['console:mike', 'task:task-003', 'succeeded'],
    ]);
  });
});
