import { min, SECOND, timeline, type Scenario, type Timeline } from './timeline.js';

/**
 * The seed incident (team-x-failure-recovery-workflows.txt): a 12-employee workspace under heavy
 * load. OpenAI slows and seven loops hang; routine retries exhaust the database-query MCP pool
 * (5 connections, 8 concurrent queries) and burn the routine's budget ($12.47 of $10.00); Mike's
 * runtime dies of OOM (seen as connection refused) and Priya's hangs waiting on the database.
 * The events say what the platform saw, in order; detection is Triage's job.
 */
const NAME = 'cascading-failure';
const ROUTINE = 'daily-code-review';
const POOL = 'database-query';
const MIKE = { runtime: 'bash-runtime-mike', employee: 'Mike' };
const PRIYA = { runtime: 'bash-runtime-priya', employee: 'Priya' };
const HEALTHY = [
  { runtime: 'bash-runtime-elena', employee: 'Elena' },
  { runtime: 'bash-runtime-james', employee: 'James' },
];
const HEARTBEAT = 30 * SECOND;

/** Seven loops, all started more than 30 minutes before the incident is noticed. */
const LOOPS = [
  { ago: 52, ticket: '#55', title: 'Architecture planning', employee: 'Elena', provider: 'openai' },
  { ago: 50, ticket: '#49', title: 'Flaky test triage', employee: 'Priya', provider: 'anthropic' },
  { ago: 47, ticket: '#50', title: 'API pagination refactor', employee: 'Mike', provider: 'openai' },
  { ago: 44, ticket: '#53', title: 'Release notes draft', employee: 'Sofia', provider: 'ollama' },
  { ago: 41, ticket: '#52', title: 'Data analysis', employee: 'Alex', provider: 'anthropic' },
  { ago: 38, ticket: '#54', title: 'Migration dry run', employee: 'James', provider: 'openai' },
  { ago: 34, ticket: '#47', title: 'Code review', employee: 'Elena', provider: 'openai' },
];
const loopId = (ticket: string): string => `loop-${ticket.slice(1)}`;

function calmBeforehand(t: Timeline): void {
  t.at(0).emit(min(60), 'backup.completed', { target: 'workspace-db', sizeBytes: 1_842_000_000 });
  t.emit(min(58), 'provider.health', { provider: 'openai', latencyMs: 950, errorRate: 0.004, status: 'connected' });
  t.emit(min(58), 'provider.health', { provider: 'anthropic', latencyMs: 820, errorRate: 0.002, status: 'connected' });
  t.emit(min(58), 'provider.health', { provider: 'ollama', latencyMs: 310, errorRate: 0, status: 'connected' });
  for (const server of [POOL, 'github', 'filesystem']) t.emit(min(57), 'mcp.health', { server, status: 'healthy', latencyMs: 40 });
  t.emit(min(57), 'mcp.pool', { server: POOL, inUse: 1, size: 5, waiting: 0 });
  // The story's hour is compressed into seconds of playback, judged against the real clock: the
  // healthy runtimes need a heartbeat that is fresh now, or the replay would call them down.
  for (const r of HEALTHY) t.emit(0, 'runtime.heartbeat', { ...r, intervalSeconds: 30 });
  t.at(1 * SECOND);
  for (const loop of LOOPS) {
    const { ago, ...rest } = loop;
    t.emit(min(ago), 'loop.started', { loopId: loopId(loop.ticket), ...rest });
  }
}

function poolRunsDry(t: Timeline): void {
  t.at(2 * SECOND).emit(min(30), 'provider.health', { provider: 'openai', latencyMs: 4200, errorRate: 0.03, status: 'degraded' });
  t.emit(min(25), 'mcp.pool', { server: POOL, inUse: 3, size: 5, waiting: 0 });
  t.emit(min(24), 'routine.run', { routine: ROUTINE, status: 'succeeded', costUsd: 0.38 });
  t.emit(min(24), 'routine.spend', { routine: ROUTINE, spentUsd: 9.1, limitUsd: 10, period: 'month' });
  t.emit(min(20), 'runtime.memory', { runtime: MIKE.runtime, usedMb: 1430, limitMb: 2048 });

  t.at(3 * SECOND).emit(min(18), 'mcp.pool', { server: POOL, inUse: 4, size: 5, waiting: 0 });
  t.emit(min(16), 'runtime.memory', { runtime: MIKE.runtime, usedMb: 1640, limitMb: 2048 });
  t.emit(min(15), 'mcp.pool', { server: POOL, inUse: 5, size: 5, waiting: 1 });
  t.emit(min(15), 'mcp.health', { server: POOL, status: 'degraded', latencyMs: 4800 });
  t.emit(min(14), 'routine.run', { routine: ROUTINE, status: 'failed', error: `${POOL}: timed out waiting for a pooled connection`, costUsd: 0.41 });
  t.emit(min(14), 'routine.spend', { routine: ROUTINE, spentUsd: 9.84, limitUsd: 10, period: 'month' });
  t.emit(min(14), 'endpoint.calls', { endpoint: `mcp:${POOL}/query`, callsPerMinute: 22, baselinePerMinute: 6 });

  // The retry storm: every failed run retries at once, queries pile up behind the full pool.
  t.at(4 * SECOND);
  for (const [ago, costUsd] of [[12, 0.43], [11, 0.44], [10, 0.44]] as const) {
    t.emit(min(ago), 'routine.run', { routine: ROUTINE, status: 'failed', error: `${POOL}: connection pool exhausted`, costUsd, retry: true });
  }
  t.emit(min(12), 'endpoint.calls', { endpoint: `mcp:${POOL}/query`, callsPerMinute: 48, baselinePerMinute: 6 });
  t.emit(min(11), 'mcp.pool', { server: POOL, inUse: 5, size: 5, waiting: 3, concurrentQueries: 8 });
  t.emit(min(11), 'mcp.health', { server: POOL, status: 'failing', latencyMs: 30_000, error: 'connection pool exhausted' });
  t.emit(min(11), 'routine.spend', { routine: ROUTINE, spentUsd: 10.71, limitUsd: 10, period: 'month' });
  t.emit(min(9), 'routine.spend', { routine: ROUTINE, spentUsd: 11.58, limitUsd: 10, period: 'month' });
  t.emit(min(9), 'runtime.memory', { runtime: MIKE.runtime, usedMb: 1850, limitMb: 2048 });
}

function runtimesFall(t: Timeline): void {
  // Healthy heartbeats first: the runtimes were alive, then two of them stopped.
  t.at(5 * SECOND);
  for (const r of [MIKE, PRIYA, ...HEALTHY]) t.repeat(min(10), min(7), HEARTBEAT, 'runtime.heartbeat', { ...r, intervalSeconds: 30 });
  t.emit(min(7.5), 'runtime.memory', { runtime: MIKE.runtime, usedMb: 1990, limitMb: 2048 });

  t.at(6 * SECOND).emit(min(6.5), 'runtime.execution_failed', { ...MIKE, reason: 'oom', error: 'process killed: out of memory (2048 MB limit)' });
  // The supervisor only sees a refused socket; the OOM is why (detail kept for the post-mortem).
  t.emit(min(6), 'runtime.disconnected', { ...MIKE, reason: 'connection_refused', cause: 'oom' });
  t.emit(min(6), 'routine.spend', { routine: ROUTINE, spentUsd: 12.47, limitUsd: 10, period: 'month' });
  t.emit(min(5.5), 'routine.run', { routine: ROUTINE, status: 'failed', error: 'budget_exhausted', costUsd: 0 });
  t.emit(min(5.5), 'routine.paused', { routine: ROUTINE, reason: 'budget_exhausted' });
  t.repeat(min(6.5), min(5.5), HEARTBEAT, 'runtime.heartbeat', { ...PRIYA, intervalSeconds: 30 });
  for (const r of HEALTHY) t.repeat(min(6.5), min(5), HEARTBEAT, 'runtime.heartbeat', { ...r, intervalSeconds: 30 });

  t.at(7 * SECOND).emit(min(4.5), 'runtime.execution_failed', { ...PRIYA, reason: 'timeout', error: 'no response from runtime within 300 s' });
  t.emit(min(4), 'runtime.disconnected', { ...PRIYA, reason: 'timeout' });
  t.emit(min(3.5), 'runtime.session_stale', { runtime: PRIYA.runtime, sessionId: 'session-priya-0503', idleSeconds: 330 });
  t.emit(min(3), 'runtime.execution_failed', { ...MIKE, reason: 'connection_refused', error: 'connect ECONNREFUSED 10.0.4.12:7070' });
  for (const r of HEALTHY) t.repeat(min(4.5), min(2), HEARTBEAT, 'runtime.heartbeat', { ...r, intervalSeconds: 30 });
}

function providersNow(t: Timeline): void {
  t.at(8 * SECOND).emit(min(1.5), 'provider.health', { provider: 'openai', latencyMs: 12_000, errorRate: 0.08, status: 'degraded' });
  t.emit(min(1.5), 'provider.health', { provider: 'anthropic', latencyMs: 850, errorRate: 0.002, status: 'connected' });
  t.emit(min(1.5), 'provider.health', { provider: 'ollama', latencyMs: 320, errorRate: 0, status: 'connected' });
  for (const server of ['github', 'filesystem']) t.emit(min(1), 'mcp.health', { server, status: 'healthy', latencyMs: 45 });
  for (const r of HEALTHY) t.repeat(min(1.5), min(0.5), HEARTBEAT, 'runtime.heartbeat', { ...r, intervalSeconds: 30 });

  // Two loops on healthy paths get their answers; the rest stay stuck behind OpenAI.
  t.at(9 * SECOND);
  for (const ticket of ['#50', '#53']) t.emit(10 * SECOND, 'loop.finished', { loopId: loopId(ticket), outcome: 'completed' });
  for (const r of HEALTHY) t.emit(0, 'runtime.heartbeat', { ...r, intervalSeconds: 30 });
}

export const cascadingFailure: Scenario = {
  name: NAME,
  title: 'Cascading failure in the Team-X workspace (the seed incident)',
  description:
    'OpenAI degrades and 7 loops hang for 30+ minutes; routine retries exhaust the database-query MCP pool (5 of 5, 8 concurrent) ' +
    'and the daily-code-review budget ($12.47 of $10.00); bash-runtime-mike dies of OOM (connection refused) and bash-runtime-priya times out.',
  build(start) {
    const t = timeline(NAME, start, 'team-x');
    calmBeforehand(t);
    poolRunsDry(t);
    runtimesFall(t);
    providersNow(t);
    return t.events();
  },
};
