import { z } from 'zod';
import type { Runtime } from '../../platform/port.js';
import { sleep as realSleep } from '../../resilience/retry.js';
import { err, ok } from '../../result.js';
import { defineRecoveryAction, formatSeconds, fromPlatformError, platformCallMs, type RecoveryDeps, type RecoveryResult } from './action.js';

export const DEFAULT_HEARTBEAT_POLL_MS = 500;

/**
 * A restart is only done when the runtime says so: the platform accepting the request proves
 * nothing about whether the process came back (recovery procedures: "confirm a heartbeat").
 */
export const restartRuntime = defineRecoveryAction({
  kind: 'restart_runtime',
  targetKind: 'runtime',
  progress: 'restarting…',
  params: z.object({}),
  // The restart call, the wait, and one last poll that may start just before the wait ends.
  deadlineMs: (deps) => 2 * platformCallMs(deps) + deps.heartbeatTimeoutMs,
  async execute(deps, { targetId, call }) {
    const started = deps.now();
    const restarted = await deps.platform.restartRuntime(targetId, call);
    if (restarted.ok) return waitForHeartbeat(deps, restarted.value, started);
    if (restarted.error.code !== 'unconfirmed') return err(fromPlatformError(restarted.error));
    // Accepted, but without the runtime's state to compare with: a heartbeat after the press will do.
    const since = { id: targetId, lastHeartbeatAt: new Date(started).toISOString() };
    const waited = await waitForHeartbeat(deps, since, started);
    return waited.ok ? ok({ text: `${waited.value.text} ⚠️ (${restarted.error.message})` }) : waited;
  },
});

/**
 * Polls until the runtime is connected with a heartbeat newer than the one it had when the
 * platform accepted the restart. Compared on the platform's own clock (both timestamps come from
 * it), so a platform whose clock runs behind Triage's cannot hide a real heartbeat.
 */
async function waitForHeartbeat(deps: RecoveryDeps, before: Pick<Runtime, 'id' | 'lastHeartbeatAt'>, started: number): Promise<RecoveryResult> {
  const sleep = deps.sleep ?? realSleep;
  const pollMs = deps.heartbeatPollMs ?? DEFAULT_HEARTBEAT_POLL_MS;
  const baseline = before.lastHeartbeatAt ? Date.parse(before.lastHeartbeatAt) : Number.NEGATIVE_INFINITY;
  let lastProblem: string | undefined;
  for (;;) {
    const listed = await deps.platform.listRuntimes();
    const runtime = listed.ok ? listed.value.find((r) => r.id === before.id) : undefined;
    lastProblem = listed.ok ? (runtime ? undefined : `${before.id} is no longer listed`) : listed.error.message;
    if (runtime && isFresh(runtime, baseline)) {
      return ok({ text: `heartbeat detected ✅ after ${formatSeconds(deps.now() - started)}` });
    }
    // The platform gave up on it (a disconnect after the restart): waiting longer cannot help.
    if (runtime?.status === 'unreachable') {
      const why = runtime.lastDownReason ? ` (${runtime.lastDownReason})` : '';
      return err({ code: 'no_heartbeat', text: `no heartbeat: ${before.id} went unreachable after the restart${why} ❌`, retryable: true });
    }
    const remaining = deps.heartbeatTimeoutMs - (deps.now() - started);
    if (remaining <= 0) {
      const note = lastProblem ? ` (the last check failed: ${lastProblem})` : '';
      return err({ code: 'no_heartbeat', text: `no heartbeat after ${formatSeconds(deps.heartbeatTimeoutMs)} ❌${note}`, retryable: true });
    }
    await sleep(Math.min(pollMs, remaining));
  }
}

function isFresh(runtime: Runtime, baseline: number): boolean {
  if (runtime.status !== 'connected' || !runtime.lastHeartbeatAt) return false;
  return Date.parse(runtime.lastHeartbeatAt) > baseline;
}
