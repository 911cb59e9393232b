import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformRoutes } from '../../src/platform/rest-routes.js';
import { createSimulator, type Simulator } from '../../src/platform/simulator/simulator.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { routesListener, serve, type TestServer } from './http-server.js';
import { byId, emitted, errorOf, newKey, stored, value } from './support.js';

const TOKEN = 'remedies-work-token-5e2a';
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/**
 * The simulator's work operations (src/platform/simulator/remedies/work*.ts) on what the
 * platform's events describe: each changes what the seed's step changes, refuses a state it does
 * not apply to (409) and an id nothing reported (404), and reports the change as the platform would.
 */
describe.each(oneDatabaseKind())('the work remedies of the simulator (%s)', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;
  let server: TestServer;
  const events = emitted();
  const task = async (id: string) => byId(value(await sim.listTasks()), id);
  const workstream = async (id: string) => byId(value(await sim.listWorkstreams()), id);
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    sim = await createSimulator({ database, emit: events.emit });
    server = await serve(routesListener(platformRoutes(sim, { token: TOKEN })));
  });
  afterAll(async () => {
    sim?.close();
    await server?.close();
    await database?.drop();
  });

  describe('agent execution timeout (playbook scenario 5)', () => {
    beforeAll(async () => {
      await sim.applyEvents([
        stored('agent.execution', { agent: 'agent-contract', executionId: 'intent-788', state: 'executing' }, ago(12)),
        stored('agent.execution', { agent: 'agent-contract', executionId: 'intent-788', state: 'completed' }, ago(11)),
        stored('agent.execution', { agent: 'agent-contract', executionId: 'intent-789', state: 'executing', intent: '#789' }, ago(7)),
      ]);
    });

    it('kills the stuck task and marks the intent FAILED with the playbook reason, reporting its execution failed', async () => {
      events.events.length = 0;
      const killed = value(await sim.perform('killStuckTask', '#789', {}, newKey()));
      expect(killed).toEqual({ intent: { id: '#789', agent: 'agent-contract', state: 'failed', errorReason: 'Agent timeout after 300s' }, killedExecutionId: 'intent-789' });
      expect(events.ofType('agent.execution').map((e) => e.attributes)).toEqual([
        expect.objectContaining({ agent: 'agent-contract', executionId: 'intent-789', intent: '#789', state: 'failed', reason: 'Agent timeout after 300s' }),
      ]);
    });

    it('refuses an intent that is not executing (409) and one nobody reported (404)', async () => {
      expect(errorOf(await sim.perform('killStuckTask', '#789', {}, newKey()))).toEqual({ code: 'invalid_state', message: 'intent #789 is failed; only an executing intent has a task to kill' });
      expect(errorOf(await sim.perform('killStuckTask', 'intent-788', {}, newKey())).code).toBe('invalid_state');
      expect(errorOf(await sim.perform('killStuckTask', '#999', {}, newKey()))).toEqual({ code: 'not_found', message: 'no intent named #999' });
    });
  });

  describe('hallucination detected (playbook scenario 2)', () => {
    beforeAll(async () => {
      const output = { type: 'TenderLoad', weight: -50, weightUnit: 'lbs' };
      await sim.applyEvents([
        stored('agent.validation', { agent: 'intent-resolver', result: 'passed', confidence: 0.91, intent: '#121' }, ago(20)),
        stored('agent.validation', { agent: 'intent-resolver', result: 'hallucination', confidence: 0.94, intent: '#123', detail: 'weight must be > 0', input: 'Tender: 50 lbs', output }, ago(2)),
      ]);
    });

    it('tags the intent FAILED with "Hallucination: …" and answers with the rejected output and its input', async () => {
      events.events.length = 0;
      const failed = value(await sim.perform('failIntent', '#123', {}, newKey()));
      expect(failed).toEqual({
        intent: { id: '#123', agent: 'intent-resolver', state: 'failed', errorReason: 'Hallucination: weight must be > 0' },
        rejected: { input: 'Tender: 50 lbs', output: '{"type":"TenderLoad","weight":-50,"weightUnit":"lbs"}', detail: 'weight must be > 0', confidence: 0.94 },
      });
      expect(events.ofType('agent.execution').map((e) => e.attributes)).toEqual([expect.objectContaining({ executionId: '#123', intent: '#123', state: 'failed' })]);
    });

    it('takes a reason given, has no rejected output for a passed intent, and refuses a FAILED one (409) or an unknown one (404)', async () => {
      expect(value(await sim.perform('failIntent', '#121', { reason: 'customer withdrew it' }, newKey()))).toEqual({
        intent: { id: '#121', agent: 'intent-resolver', state: 'failed', errorReason: 'customer withdrew it' },
        rejected: null,
      });
      expect(errorOf(await sim.perform('failIntent', '#123', {}, newKey()))).toEqual({ code: 'invalid_state', message: 'intent #123 is already FAILED (Hallucination: weight must be > 0)' });
      expect(errorOf(await sim.perform('failIntent', '#404', {}, newKey())).code).toBe('not_found');
    });
  });

  describe('resource exhausted (recovery procedures)', () => {
    beforeAll(async () => {
      await sim.applyEvents([
        stored('task.state', { taskId: 'task-201', state: 'executing', workstream: 'ws-res', worker: 'worker-003' }, ago(20)),
        stored('task.state', { taskId: 'task-202', state: 'pending', workstream: 'ws-res', waitingFor: 'git_repo_write' }, ago(18)),
        stored('task.state', { taskId: 'task-205', state: 'completed', workstream: 'ws-res' }, ago(18)),
        stored('resource.usage', { resource: 'git_repo_write', used: 1, limit: 1, heldBy: 'task-201', waiting: 3 }, ago(2)),
      ]);
    });

    it('raises the limit by one holder (1 → 2) and reports the new usage; a limit not higher is refused (409)', async () => {
      events.events.length = 0;
      expect(value(await sim.perform('raiseResourceLimit', 'git_repo_write', {}, newKey()))).toEqual({ id: 'git_repo_write', used: 1, limit: 2, heldBy: 'task-201', waiting: 3 });
      expect(events.ofType('resource.usage').map((e) => e.attributes)).toEqual([{ resource: 'git_repo_write', used: 1, limit: 2, heldBy: 'task-201', waiting: 3 }]);
      expect(errorOf(await sim.perform('raiseResourceLimit', 'git_repo_write', { maxHolders: 2 }, newKey()))).toEqual({
        code: 'invalid_state',
        message: 'resource git_repo_write already allows 2 holders; ask for more than that',
      });
      expect(errorOf(await sim.perform('raiseResourceLimit', 'svn_lock', {}, newKey())).code).toBe('not_found');
    });

    it('cancels the task holding it: the task cancelled with the reason, the resource released', async () => {
      events.events.length = 0;
      const cancelled = value(await sim.perform('cancelTask', 'task-201', { reason: 'holds the lock too long' }, newKey()));
      expect(cancelled).toMatchObject({ task: { id: 'task-201', state: 'cancelled', workstreamId: 'ws-res' }, releasedResources: ['git_repo_write'] });
      expect((await task('task-201'))?.state).toBe('cancelled');
      expect(events.ofType('task.state').map((e) => e.attributes)).toEqual([expect.objectContaining({ taskId: 'task-201', state: 'cancelled', reason: 'holds the lock too long' })]);
      expect(events.ofType('resource.usage').map((e) => e.attributes)).toEqual([expect.objectContaining({ resource: 'git_repo_write', used: 0, limit: 2 })]);
    });

    it('refuses to cancel a finished task (409) or an unknown one (404)', async () => {
      expect(errorOf(await sim.perform('cancelTask', 'task-201', { reason: 'again' }, newKey()))).toEqual({ code: 'invalid_state', message: 'task task-201 is cancelled; only a pending or executing task can be cancelled' });
      expect(errorOf(await sim.perform('cancelTask', 'task-205', { reason: 'x' }, newKey())).code).toBe('invalid_state');
      expect(errorOf(await sim.perform('cancelTask', 'task-999', { reason: 'x' }, newKey()))).toEqual({ code: 'not_found', message: 'no task named task-999' });
    });
  });

  describe('dependency cycle (recovery procedures)', () => {
    beforeAll(async () => {
      await sim.applyEvents([
        stored('task.dependency', { taskId: 'cyc-1', dependsOn: ['cyc-2'], workstream: 'ws-cyc' }, ago(14)),
        stored('task.dependency', { taskId: 'cyc-2', dependsOn: ['cyc-1'], workstream: 'ws-cyc' }, ago(14)),
        stored('task.dependency', { taskId: 'cyc-3', dependsOn: ['cyc-4'], workstream: 'ws-cyc' }, ago(14)),
        stored('task.dependency', { taskId: 'cyc-4', dependsOn: ['cyc-3'], workstream: 'ws-cyc' }, ago(14)),
        ...['cyc-1', 'cyc-2', 'cyc-3', 'cyc-4'].map((taskId) => stored('task.state', { taskId, state: 'pending', workstream: 'ws-cyc' }, ago(14))),
      ]);
    });

    it('removes one dependency (cyc-1 no longer waits for cyc-2) and reports the task\'s new dependencies', async () => {
      events.events.length = 0;
      expect(value(await sim.perform('removeDependency', 'cyc-1>cyc-2', {}, newKey()))).toEqual({ taskId: 'cyc-1', removed: 'cyc-2', dependsOn: [] });
      expect(events.ofType('task.dependency').map((e) => e.attributes)).toEqual([{ taskId: 'cyc-1', dependsOn: [], workstream: 'ws-cyc' }]);
    });

    it('refuses a dependency that is not there (404), a malformed name (400), and a task already running (409)', async () => {
      expect(errorOf(await sim.perform('removeDependency', 'cyc-1>cyc-2', {}, newKey()))).toEqual({ code: 'not_found', message: 'task cyc-1 does not depend on cyc-2' });
      expect(errorOf(await sim.perform('removeDependency', 'cyc-1', {}, newKey())).code).toBe('invalid_input');
      await sim.applyEvents([stored('task.state', { taskId: 'cyc-2', state: 'executing', workstream: 'ws-cyc' })]);
      expect(errorOf(await sim.perform('removeDependency', 'cyc-2>cyc-1', {}, newKey()))).toEqual({ code: 'invalid_state', message: "task cyc-2 is executing; only a pending task's dependencies can be removed" });
    });

    it('cancelling a task of a cycle breaks it: the task waits for nothing any more', async () => {
      events.events.length = 0;
      value(await sim.perform('cancelTask', 'cyc-3', { reason: 'break the cycle' }, newKey()));
      expect(events.ofType('task.dependency').map((e) => e.attributes)).toEqual([{ taskId: 'cyc-3', dependsOn: [], workstream: 'ws-cyc' }]);
      expect(errorOf(await sim.perform('removeDependency', 'cyc-3>cyc-4', {}, newKey())).code).toBe('invalid_state');
    });
  });

  describe('duplicate subagent spawns (self-healing research)', () => {
    beforeAll(async () => {
      await sim.applyEvents(
        [19, 13, 7, 1].map((minutes, i) => stored('subagent.spawned', { taskType: 'memory-sync', agent: `sync-${i + 1}`, expectedConcurrency: 1 }, ago(minutes))),
      );
      // One of them ended on its own: it is no longer a duplicate to stop.
      await sim.applyEvents([stored('task.state', { taskId: 'sync-3', taskType: 'memory-sync', state: 'completed' })]);
    });

    it('keeps the one named and stops the other running ones of its type, each reported cancelled', async () => {
      events.events.length = 0;
      expect(value(await sim.perform('stopDuplicateSpawns', 'sync-1', {}, newKey()))).toEqual({ kept: 'sync-1', taskType: 'memory-sync', stopped: ['sync-2', 'sync-4'] });
      expect(events.ofType('task.state').map((e) => e.attributes)).toEqual([
        { taskId: 'sync-2', taskType: 'memory-sync', state: 'cancelled', reason: 'duplicate of sync-1' },
        { taskId: 'sync-4', taskType: 'memory-sync', state: 'cancelled', reason: 'duplicate of sync-1' },
      ]);
    });

    it('refuses when nothing is left to stop or the one to keep was stopped (409), and an unknown subagent (404)', async () => {
      expect(errorOf(await sim.perform('stopDuplicateSpawns', 'sync-1', {}, newKey()))).toEqual({
        code: 'invalid_state',
        message: 'sync-1 is the only memory-sync subagent running; there is no duplicate to stop',
      });
      expect(errorOf(await sim.perform('stopDuplicateSpawns', 'sync-2', {}, newKey())).message).toBe('subagent sync-2 is stopped; keep one that is running');
      expect(errorOf(await sim.perform('stopDuplicateSpawns', 'sync-9', {}, newKey())).code).toBe('not_found');
    });
  });

  describe('workstream failed (recovery procedures)', () => {
    const WS = 'ws-fail';
    const failedStory = (suffix: string) => [
      stored('workstream.state', { workstream: `${WS}${suffix}`, state: 'running' }, ago(50)),
      stored('task.state', { taskId: `a${suffix}`, state: 'completed', workstream: `${WS}${suffix}`, attempt: 1, maxAttempts: 3 }, ago(40)),
      stored('task.state', { taskId: `b${suffix}`, state: 'failed', workstream: `${WS}${suffix}`, attempt: 3, maxAttempts: 3 }, ago(15)),
      stored('task.state', { taskId: `c${suffix}`, state: 'failed', workstream: `${WS}${suffix}`, attempt: 1, maxAttempts: 3 }, ago(8)),
      stored('task.state', { taskId: `d${suffix}`, state: 'failed', workstream: `${WS}${suffix}`, attempt: 1, maxAttempts: 3 }, ago(8)),
      stored('task.dependency', { taskId: `c${suffix}`, dependsOn: [`b${suffix}`], workstream: `${WS}${suffix}` }, ago(50)),
      stored('workstream.state', { workstream: `${WS}${suffix}`, state: 'failed', failedTasks: 3 }, ago(7)),
    ];
    beforeAll(async () => {
      await sim.applyEvents([...failedStory('-1'), ...failedStory('-2')]);
    });

    it('retries only the failed tasks, each one more attempt; the workstream runs again', async () => {
      events.events.length = 0;
      const retried = value(await sim.perform('retryFailedTasks', `${WS}-1`, {}, newKey()));
      expect(retried).toEqual({ workstream: { id: `${WS}-1`, state: 'running' }, retriedTaskIds: ['b-1', 'c-1', 'd-1'] });
      expect(await task('b-1')).toMatchObject({ state: 'pending', attempt: 4, maxAttempts: 4 });
      expect((await task('a-1'))?.state).toBe('completed');
      expect(events.ofType('workstream.state').map((e) => e.attributes)).toEqual([{ workstream: `${WS}-1`, state: 'running' }]);
      expect(events.ofType('task.state')).toHaveLength(3);
      expect(errorOf(await sim.perform('retryFailedTasks', `${WS}-1`, {}, newKey()))).toEqual({ code: 'invalid_state', message: `workstream ${WS}-1 has no failed task to retry` });
    });

    it('resumes from a task: it and the tasks waiting on it run again, the others stay as they are', async () => {
      events.events.length = 0;
      const resumed = value(await sim.perform('resumeWorkstream', `${WS}-2`, { fromTask: 'b-2' }, newKey()));
      expect(resumed).toEqual({ workstream: { id: `${WS}-2`, state: 'running' }, resumedTaskIds: ['b-2', 'c-2'] });
      expect((await task('d-2'))?.state).toBe('failed');
      expect((await workstream(`${WS}-2`))?.state).toBe('running');
      expect(events.ofType('task.state').map((e) => e.attributes.taskId)).toEqual(['b-2', 'c-2']);
    });

    it('refuses a running workstream, a completed task or a task of another workstream, and unknown ids', async () => {
      expect(errorOf(await sim.perform('resumeWorkstream', `${WS}-2`, { fromTask: 'd-2' }, newKey()))).toEqual({
        code: 'invalid_state',
        message: `workstream ${WS}-2 is running; only a failed or rolled back workstream can be resumed`,
      });
      await sim.applyEvents([stored('workstream.state', { workstream: `${WS}-2`, state: 'failed' })]);
      expect(errorOf(await sim.perform('resumeWorkstream', `${WS}-2`, { fromTask: 'a-2' }, newKey())).message).toBe('task a-2 is completed; resume from a task that has not run to its end');
      expect(errorOf(await sim.perform('resumeWorkstream', `${WS}-2`, { fromTask: 'b-1' }, newKey()))).toEqual({ code: 'not_found', message: `workstream ${WS}-2 has no task named b-1` });
      expect(errorOf(await sim.perform('resumeWorkstream', 'ws-nobody', { fromTask: 'a' }, newKey())).code).toBe('not_found');
      expect(errorOf(await sim.perform('retryFailedTasks', 'ws-nobody', {}, newKey())).code).toBe('not_found');
    });
  });

  it('over HTTP: 404 for an unknown id, 409 for a bad state, 400 for a body the operation does not take', async () => {
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${server.url}/platform/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'idempotency-key': newKey().idempotencyKey },
        body: JSON.stringify(body),
      });
      return [res.status, ((await res.json()) as { error?: { code: string } }).error?.code];
    };
    expect(await post('intents/%23nobody/kill', {})).toEqual([404, 'not_found']);
    expect(await post(`intents/${encodeURIComponent('#789')}/kill`, {})).toEqual([409, 'invalid_state']);
    expect(await post('resources/git_repo_write/raise-limit', { maxHolders: 0 })).toEqual([400, 'invalid_input']);
    expect(await post('tasks/task-201/cancel', {})).toEqual([400, 'invalid_input']);
    expect(await post(`dependencies/${encodeURIComponent('cyc-1>cyc-2')}/remove`, {})).toEqual([404, 'not_found']);
    expect(await post('subagents/sync-1/stop-duplicates', {})).toEqual([409, 'invalid_state']);
    expect(await post('workstreams/ws-fail-1/retry-failed', { all: true })).toEqual([400, 'invalid_input']);
    expect(await post('workstreams/ws-fail-1/resume', { fromTask: 'b-1' })).toEqual([409, 'invalid_state']);
  });
});
