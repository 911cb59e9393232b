import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneDatabaseKind } from '../support/databases.js';
import { PEOPLE, startFixFixture, type FixFixture } from './support/fix-from-card.js';

/**
 * The orchestration recovery procedures' and the playbook's buttons that existed before issue 16,
 * each pressed from its card after the scenario that raises it: a viewer is refused and audited,
 * the right role's press changes the simulated platform as the seed says and the card ends in ✅.
 */
describe.each(oneDatabaseKind())('orchestration cards fixed from the card on %s', (kind) => {
  let fx: FixFixture;
  beforeAll(async () => {
    fx = await startFixFixture(kind, 'task-retries-exhausted');
    await fx.play('worker-unresponsive');
    await fx.play('circuit-breaker-open');
    await fx.play('workstream-failed');
  }, 120_000);
  afterAll(async () => fx?.close());

  const platform = () => fx.triage.platform;
  const task = async (id: string) => {
    const tasks = await platform().listTasks();
    return tasks.ok ? tasks.value.find((t) => t.id === id) : undefined;
  };

  it('task out of retries: a viewer may not skip it; a responder retries it (a fourth attempt, the insight clears)', async () => {
    const card = await fx.card(/^Task task-007 out of retries$/);
    expect(card.card.actions.find((a) => a.label === 'Skip task')?.confirm?.text).toMatch(/Mark task-007 completed without running it/);
    const refused = await fx.press(PEOPLE.viewer, card, 'skip_task', 'task-007');
    expect(refused.reply.text).toMatch(/^Skipping a task needs the responder role/);
    expect((await fx.audit('skip_task')).map((r) => [r.actor, r.target, r.outcome])).toEqual([['console:nina', 'task:task-007', 'refused']]);
    expect((await task('task-007'))?.state).toBe('failed');

    await fx.press(PEOPLE.responder, card, 'retry_task', 'task-007');
    await fx.cardSays(card, /✅ Retry task task-007 by James at \d\d:\d\d UTC: task task-007 queued again \(attempt 4 of 4, timeout \d+ s\)/);
    expect(await task('task-007')).toMatchObject({ state: 'pending', attempt: 4 });
    await fx.cardSays(card, /✅ Resolved at/);
    expect((await fx.audit('retry_task')).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:james', 'started'],
      ['console:james', 'succeeded'],
    ]);
  });

  it('a task that fails again is skipped by another responder, and the platform marks it skipped', async () => {
    const failed = { taskId: 'task-007', taskType: 'integration-tests', workstream: 'ws-ulid-003', worker: 'worker-002', state: 'failed', attempt: 4, maxAttempts: 4, error: 'timed out after 600 s' };
    const sent = await fx.triage.post('/v1/events', { events: [{ id: 'again-007', type: 'task.state', source: 'orchestrator', occurredAt: new Date().toISOString(), attributes: failed }] });
    expect(sent.status).toBe(202);
    await fx.triage.writer.drain();
    await fx.triage.evaluator.idle();
    const card = await fx.card(/^Task task-007 out of retries$/);
    await fx.press(PEOPLE.otherResponder, card, 'skip_task', 'task-007');
    await fx.cardSays(card, /✅ Skip task task-007 by Mike at \d\d:\d\d UTC: task task-007 skipped/);
    expect((await task('task-007'))?.state).toBe('skipped');
  });

  it('unresponsive worker: a responder restarts it and its stranded tasks go to a healthy worker', async () => {
    const card = await fx.card(/^Worker worker-001 unresponsive$/);
    const refused = await fx.press(PEOPLE.viewer, card, 'restart_worker', 'worker-001');
    expect(refused.reply.text).toMatch(/^Restarting a worker needs the responder role/);
    await fx.press(PEOPLE.responder, card, 'restart_worker', 'worker-001');
    await fx.cardSays(card, /✅ Restart worker worker-001 by James at \d\d:\d\d UTC: worker worker-001 restarted \(healthy; reassigned task-101, task-102\)/);
    const workers = await platform().listWorkers();
    expect(workers.ok && workers.value.find((w) => w.id === 'worker-001')?.status).toBe('healthy');
    for (const id of ['task-101', 'task-102']) expect((await task(id))?.workerId).not.toBe('worker-001');
    expect((await fx.audit('restart_worker')).map((r) => r.outcome)).toEqual(['refused', 'started', 'succeeded']);
  });

  it("open breaker: a responder resets it after the confirmation, and it is closed on the platform", async () => {
    const card = await fx.card(/^Circuit breaker open: partner:P12345$/);
    expect(card.card.actions.find((a) => a.label.startsWith('Reset'))?.confirm?.text).toMatch(/partner confirms the fix/);
    const refused = await fx.press(PEOPLE.viewer, card, 'reset_breaker', 'partner:P12345');
    expect(refused.reply.text).toMatch(/^Resetting a circuit breaker needs the responder role/);
    await fx.press(PEOPLE.responder, card, 'reset_breaker', 'partner:P12345');
    await fx.cardSays(card, /✅ Reset breaker partner:P12345 by James at \d\d:\d\d UTC/);
    const breakers = await platform().listBreakers();
    expect(breakers.ok && breakers.value.find((b) => b.id === 'partner:P12345')?.state).toBe('closed');
    expect((await fx.audit('reset_breaker')).map((r) => r.outcome)).toEqual(['refused', 'started', 'succeeded']);
  });

  it('failed workstream: Roll back asks an approver on the card; the requester cannot approve it, another approver does, once', async () => {
    const card = await fx.card(/^Workstream ws-ulid-004 failed$/);
    const asked = await fx.press(PEOPLE.responder, card, 'rollback_workstream', 'ws-ulid-004');
    expect(asked.reply.text).toMatch(/needs an approver: approval #\d+; the card you pressed shows it/);
    const pending = await fx.cardSays(card, /🕒 A rollback of workstream ws-ulid-004, asked for by James at \d\d:\d\d UTC, is waiting for an approver/);
    const responderTry = await fx.press(PEOPLE.otherResponder, pending, 'approve_rollback_workstream', 'ws-ulid-004');
    expect(responderTry.reply.text).toMatch(/needs the approver role/);
    await fx.press(PEOPLE.approver, pending, 'approve_rollback_workstream', 'ws-ulid-004');
    await fx.cardSays(card, /✅ Elena approved a rollback of workstream ws-ulid-004 at \d\d:\d\d UTC: workstream rolled back to its last checkpoint · 2 tasks pending again \(task-003, task-004\)/);
    const workstreams = await platform().listWorkstreams();
    expect(workstreams.ok && workstreams.value.find((w) => w.id === 'ws-ulid-004')?.state).toBe('rolled_back');
    expect((await fx.audit('rollback_workstream')).map((r) => [r.actor, r.outcome])).toEqual([['console:james', 'requested']]);
    expect((await fx.audit('approve_rollback_workstream')).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:mike', 'refused'],
      ['console:elena', 'approved'],
    ]);
  });
});
