import { describe, expect, it, vi } from 'vitest';
import type { RecoveryDeps } from '../../../src/actions/recovery/action.js';
import { findRecoveryAction } from '../../../src/actions/recovery/index.js';
import type { Platform, Task } from '../../../src/platform/port.js';
import { err, ok } from '../../../src/result.js';

const call = { idempotencyKey: 'test-work-actions-1' };
const task = (id: string, workstreamId: string | null): Task => ({ id, workstreamId, workerId: null, state: 'failed', attempt: 1, maxAttempts: 3, timeoutSeconds: 600 });
const depsWith = (platform: Partial<Platform>): RecoveryDeps => ({ platform: platform as Platform, now: Date.now, heartbeatTimeoutMs: 5_000 });
const run = (action: string, deps: RecoveryDeps, targetId: string, params: unknown = {}) => findRecoveryAction(action)!.run(deps, { targetId, params, call });

/** The work group's actions (src/actions/recovery/work/) against a platform that answers as told. */
describe('the work recovery actions', () => {
  it('Resume from a task reads its workstream from the platform and resumes that, with the same key', async () => {
    const perform = vi.fn(async () => ok({ workstream: { id: 'ws-1', state: 'running' as const }, resumedTaskIds: ['t-3', 't-4'] }));
    const deps = depsWith({ listTasks: async () => ok([task('t-3', 'ws-1')]), perform: perform as never });
    expect(await run('resume_workstream', deps, 't-3')).toEqual({ ok: true, value: { text: 'workstream ws-1 resumed from t-3 ✅ (t-3, t-4 pending again); completed tasks kept' } });
    expect(perform).toHaveBeenCalledWith('resumeWorkstream', 'ws-1', { fromTask: 't-3' }, call);
  });

  it('Resume refuses a task in no workstream without calling the platform, and offers Retry only when the read failed for an outage', async () => {
    const perform = vi.fn();
    const loose = await run('resume_workstream', depsWith({ listTasks: async () => ok([task('t-9', null)]), perform }), 't-9');
    expect(loose).toMatchObject({ ok: false, error: { code: 'not_found', retryable: false, text: expect.stringContaining('task t-9 is not part of any workstream') } });
    expect(perform).not.toHaveBeenCalled();
    const down = await run('resume_workstream', depsWith({ listTasks: async () => err({ code: 'unavailable' as const, message: 'platform busy' }), perform }), 't-9');
    expect(down).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } });
  });

  it('an operation the platform accepted but whose answer was lost is done, with a warning', async () => {
    const deps = depsWith({ perform: (async () => err({ code: 'unconfirmed' as const, message: 'the answer could not be read' })) as never });
    expect(await run('kill_stuck_task', deps, '#789')).toEqual({ ok: true, value: { text: 'stuck task of intent #789 killed ⚠️ (the answer could not be read)' } });
    expect(await run('remove_dependency', deps, 'a>b')).toMatchObject({ ok: true, value: { text: expect.stringMatching(/^dependency a → b removed ⚠️/) } });
  });

  it('a refusal is the card\'s ❌ with the platform\'s reason and no Retry', async () => {
    const deps = depsWith({ perform: (async () => err({ code: 'invalid_state' as const, message: 'resource git_repo_write already allows 2 holders; ask for more than that' })) as never });
    expect(await run('raise_resource_limit', deps, 'git_repo_write')).toEqual({
      ok: false,
      error: { code: 'invalid_state', text: 'resource git_repo_write already allows 2 holders; ask for more than that (nothing was changed) ❌', retryable: false },
    });
  });

  it('Cancel task sends the click\'s reason, and a blank one is refused before anything is sent', async () => {
    const perform = vi.fn(async () => ok({ task: { ...task('t-1', 'ws-1'), state: 'cancelled' as const }, releasedResources: [] }));
    const deps = depsWith({ perform: perform as never });
    expect(await run('cancel_task', deps, 't-1', { reason: 'cancel task from slack by Mike after the confirmation' })).toEqual({ ok: true, value: { text: 'task t-1 cancelled ✅ (cancel task from slack by Mike after the confirmation)' } });
    expect(perform).toHaveBeenCalledWith('cancelTask', 't-1', { reason: 'cancel task from slack by Mike after the confirmation' }, call);
    expect(await run('cancel_task', deps, 't-1', { reason: '  ' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(perform).toHaveBeenCalledTimes(1);
  });
});
