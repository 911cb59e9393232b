import type { z } from 'zod';
import { checkEvent } from '../../src/events/envelope.js';
import type { EVENT_TYPES, EventType } from '../../src/events/vocabulary.js';

/** What a sender posts: the envelope fields plus type-checked attributes for each known type. */
type Body = { [K in EventType]: { type: K; attributes: z.input<(typeof EVENT_TYPES)[K]> } }[EventType];
export type BenchEvent = Body & { id: string; source: string; occurredAt: string };

type Pick = <T>(items: readonly T[]) => T;

const runtimes = Array.from({ length: 40 }, (_, i) => `runtime-${i}`);
const workers = Array.from({ length: 12 }, (_, i) => `worker-${i}`);
const agents = ['planner', 'coder', 'reviewer', 'tester', 'summariser', 'triager'];
const servers = ['github-mcp', 'jira-mcp', 'postgres-mcp', 'search-mcp'];
const failure =
  'Error: upstream request failed after 3 attempts (ECONNRESET) while calling tools/list on the MCP server; ' +
  'last response: 502 Bad Gateway from the load balancer in front of the pool';

/**
 * A fleet's traffic as Triage sees it: mostly heartbeats, task and loop progress, with a tail of
 * health, budget and validation signals, and now and then an error text. Weights are guesses at
 * a plausible mix, not measurements; what matters is that attribute sizes and types vary.
 */
const MIX: Array<{ weight: number; make: (n: number, pick: Pick) => Body }> = [
  { weight: 22, make: (_, p) => ({ type: 'runtime.heartbeat', attributes: { runtime: p(runtimes), intervalSeconds: 30, employee: `emp-${p(agents)}` } }) },
  { weight: 10, make: (_, p) => ({ type: 'worker.heartbeat', attributes: { worker: p(workers), intervalSeconds: 15 } }) },
  {
    weight: 14,
    make: (n, p) => ({
      type: 'task.state',
      attributes: {
        taskId: `task-${n % 5000}`,
        state: p(['pending', 'executing', 'completed', 'completed', 'failed'] as const),
        taskType: p(['build', 'test', 'deploy', 'review']),
        workstream: `ws-${n % 50}`,
        worker: p(workers),
        attempt: 1 + (n % 3),
        maxAttempts: 3,
      },
    }),
  },
  { weight: 8, make: (n) => ({ type: 'loop.progress', attributes: { loopId: `loop-${n % 400}`, step: `step ${n % 17}: editing src/module-${n % 90}.ts` } }) },
  { weight: 3, make: (n, p) => ({ type: 'loop.started', attributes: { loopId: `loop-${n % 400}`, ticket: `ENG-${1000 + (n % 900)}`, employee: `emp-${p(agents)}`, provider: 'anthropic', title: 'Fix flaky retry test in the payments service' } }) },
  { weight: 3, make: (n, p) => ({ type: 'loop.finished', attributes: { loopId: `loop-${n % 400}`, outcome: p(['completed', 'completed', 'failed', 'cancelled'] as const) } }) },
  { weight: 5, make: (n, p) => ({ type: 'runtime.memory', attributes: { runtime: p(runtimes), usedMb: 300 + (n % 700), limitMb: 1024 } }) },
  { weight: 4, make: (n, p) => ({ type: 'mcp.health', attributes: { server: p(servers), status: n % 29 ? 'healthy' : 'failing', latencyMs: 20 + (n % 300), ...(n % 29 ? {} : { error: failure }) } }) },
  { weight: 3, make: (n, p) => ({ type: 'mcp.pool', attributes: { server: p(servers), inUse: n % 9, size: 8, waiting: n % 4 } }) },
  { weight: 4, make: (n, p) => ({ type: 'provider.health', attributes: { provider: p(['anthropic', 'openai', 'bedrock']), latencyMs: 400 + (n % 2000), errorRate: (n % 10) / 100, status: 'connected' } }) },
  { weight: 3, make: (n) => ({ type: 'endpoint.calls', attributes: { endpoint: `/api/v1/resource-${n % 20}`, callsPerMinute: 100 + (n % 500), baselinePerMinute: 250 } }) },
  { weight: 3, make: (n) => ({ type: 'routine.run', attributes: { routine: `nightly-${n % 10}`, status: n % 13 ? 'succeeded' : 'failed', costUsd: (n % 300) / 100, ...(n % 13 ? {} : { error: failure }) } }) },
  { weight: 2, make: (n) => ({ type: 'routine.spend', attributes: { routine: `nightly-${n % 10}`, spentUsd: n % 90, limitUsd: 100, period: 'month' } }) },
  { weight: 3, make: (n) => ({ type: 'queue.depth', attributes: { queue: `queue-${n % 6}`, kind: n % 7 ? 'task' : 'dead_letter', depth: n % 400 } }) },
  { weight: 3, make: (n, p) => ({ type: 'context.usage', attributes: { agent: p(agents), usedTokens: 1000 + ((n * 37) % 190_000), windowTokens: 200_000, compactionThreshold: 0.8 } }) },
  { weight: 3, make: (n, p) => ({ type: 'agent.execution', attributes: { agent: p(agents), executionId: `exec-${n}`, state: p(['executing', 'completed', 'failed', 'timed_out'] as const) } }) },
  { weight: 2, make: (n, p) => ({ type: 'agent.validation', attributes: { agent: p(agents), result: n % 17 ? 'passed' : 'hallucination', confidence: (n % 100) / 100, detail: 'cited a function that does not exist in the repository' } }) },
  { weight: 2, make: (n) => ({ type: 'resource.usage', attributes: { resource: `cpu-pool-${n % 4}`, used: n % 64, limit: 64 } }) },
  { weight: 2, make: (n, p) => ({ type: 'subagent.spawned', attributes: { taskType: 'research', agent: p(agents), taskId: `task-${n % 5000}`, expectedConcurrency: 4 } }) },
  { weight: 1, make: (n) => ({ type: 'breaker.state', attributes: { breaker: `partner-${n % 5}-api`, partner: `partner-${n % 5}`, state: n % 3 ? 'closed' : 'open', failureRate: (n % 50) / 100 } }) },
  { weight: 1, make: (_, p) => ({ type: 'runtime.execution_failed', attributes: { runtime: p(runtimes), reason: p(['timeout', 'oom', 'crashed'] as const), error: failure } }) },
  { weight: 1, make: (n) => ({ type: 'redis.memory', attributes: { instance: 'cache-main', usedPercent: 40 + (n % 60), evictedKeys: n % 1000 } }) },
  { weight: 1, make: (n) => ({ type: 'probe.result', attributes: { probe: `smoke-${n % 8}`, ok: n % 11 !== 0 } }) },
  {
    weight: 1,
    make: (n) => ({
      type: 'alert.firing',
      attributes: {
        alertname: 'HighErrorRate',
        labels: { severity: 'page', service: `svc-${n % 7}`, namespace: 'agents' },
        annotations: { summary: 'error rate above 5% for 10 minutes', runbook: 'https://runbooks.example/high-error-rate' },
        startsAt: '2026-05-03T14:00:00Z',
        fingerprint: `fp-${n % 100}`,
      },
    }),
  },
];

/**
 * `count` valid events for `source` with ids unique within this run. Seeded, so every run
 * sends the same bytes; each event is checked with the intake's own validator up front so a
 * 400 can only mean a Triage regression, never a generator mistake.
 */
export function generateEvents(source: string, count: number, idPrefix: string, seed = 42): BenchEvent[] {
  const random = mulberry32(seed);
  const pick: Pick = (items) => items[Math.floor(random() * items.length)]!;
  const total = MIX.reduce((sum, m) => sum + m.weight, 0);
  const start = Date.parse('2026-05-03T14:00:00Z');
  const events: BenchEvent[] = [];
  for (let n = 0; n < count; n++) {
    let roll = random() * total;
    const kind = MIX.find((m) => (roll -= m.weight) < 0) ?? MIX[0]!;
    const event = { ...kind.make(n, pick), id: `${idPrefix}-${n}`, source, occurredAt: new Date(start + n * 150).toISOString() } as BenchEvent;
    const checked = checkEvent(event, n);
    if (!checked.ok) throw new Error(`bench generated an invalid ${event.type}: ${JSON.stringify(checked.problems)}`);
    events.push(event);
  }
  return events;
}

/** A small seeded random generator: the same seed gives the same stream of events. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
