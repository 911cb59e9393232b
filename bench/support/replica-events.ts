import { checkEvent } from '../../src/events/envelope.js';
import { mulberry32, type BenchEvent } from './events.js';

type Body = Omit<BenchEvent, 'id' | 'source' | 'occurredAt'>;

const runtimes = Array.from({ length: 40 }, (_, i) => `runtime-${i}`);
const workers = Array.from({ length: 12 }, (_, i) => `worker-${i}`);
const agents = ['planner', 'coder', 'reviewer', 'tester', 'summariser', 'triager'];
const servers = ['github-mcp', 'jira-mcp', 'postgres-mcp', 'search-mcp'];
/** Every reading of these is above 90% of 1024 MB: one runtime_memory_high card each. */
const HIGH_MEMORY = runtimes.slice(0, 6);
/** Their executions fail: one runtime_execution_failures card for the workspace, naming them. */
const FAILING = runtimes.slice(30, 36);
/** Each ends the stream with runtime.disconnected, newer than all its heartbeats: one runtime_unreachable card each. */
const DISCONNECTED = runtimes.slice(36, 40);
const failure =
  'Error: upstream request failed after 3 attempts (ECONNRESET) while calling tools/list on the MCP server; ' +
  'last response: 502 Bad Gateway from the load balancer in front of the pool';

/**
 * A stream whose final insight cards do not depend on the order its events arrive in, so one
 * Triage and two replicas sharing it can be compared card for card (bench/replicas.ts). The
 * generic fleet mix of bench/support/events.ts has signals that flip (a breaker open then closed,
 * a probe failing then passing): which flips an evaluation happens to see depends on how the
 * concurrent batches interleave, and every flip seen resolves an insight and opens a new episode,
 * i.e. a new card, even with one process. Here every rule either never fires or, once it fires,
 * keeps firing whatever arrives later:
 * - runtime.memory: the HIGH_MEMORY runtimes always read above 90%, the others always below 70%;
 * - runtime.execution_failed: only for FAILING runtimes (3+ within 10 minutes fire the rule);
 * - runtime.disconnected: the last events of the stream, so no heartbeat of theirs is newer;
 * - heartbeats (runtime interval 300 s, workers beating to the end) stay fresh for minutes, and
 *   loop.started never gets 30 minutes old, so no time-based rule fires while a setup runs.
 * Times are recent (the last `spanMs` before `endAt`), since rules look back from the clock.
 * `harmless` leaves out everything that raises an insight (warm-up traffic).
 */
export function replicaEvents(source: string, count: number, idPrefix: string, options: { endAt: number; spanMs: number; harmless?: boolean; seed?: number }): BenchEvent[] {
  const random = mulberry32(options.seed ?? 7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const mix: Array<{ weight: number; make: (n: number) => Body; raises?: true }> = [
    { weight: 30, make: () => ({ type: 'runtime.heartbeat', attributes: { runtime: pick(runtimes), intervalSeconds: 300, employee: `emp-${pick(agents)}` } }) },
    { weight: 12, make: (n) => ({ type: 'worker.heartbeat', attributes: { worker: workers[n % workers.length]!, intervalSeconds: 15 } }) },
    { weight: 18, make: (n) => ({ type: 'loop.progress', attributes: { loopId: `loop-${n % 400}`, step: `step ${n % 17}: editing src/module-${n % 90}.ts` } }) },
    { weight: 3, make: (n) => ({ type: 'loop.started', attributes: { loopId: `loop-${n % 400}`, ticket: `ENG-${1000 + (n % 900)}`, employee: `emp-${pick(agents)}`, provider: 'anthropic', title: 'Fix flaky retry test in the payments service' } }) },
    { weight: 6, make: (n) => ({ type: 'mcp.health', attributes: { server: pick(servers), status: 'healthy', latencyMs: 20 + (n % 300) } }) },
    {
      weight: 14,
      make: (n) => {
        const runtime = pick(runtimes.slice(HIGH_MEMORY.length));
        return { type: 'runtime.memory', attributes: { runtime, usedMb: 300 + (n % 400), limitMb: 1024 } };
      },
    },
    { weight: 4, raises: true, make: (n) => ({ type: 'runtime.memory', attributes: { runtime: pick(HIGH_MEMORY), usedMb: 930 + (n % 90), limitMb: 1024 } }) },
    { weight: 1, raises: true, make: () => ({ type: 'runtime.execution_failed', attributes: { runtime: pick(FAILING), reason: pick(['timeout', 'oom', 'crashed'] as const), error: failure } }) },
  ];
  const kinds = options.harmless ? mix.filter((m) => !m.raises) : mix;
  const total = kinds.reduce((sum, m) => sum + m.weight, 0);
  const last = options.harmless ? [] : DISCONNECTED;
  const start = options.endAt - options.spanMs;
  const events: BenchEvent[] = [];
  for (let n = 0; n < count; n++) {
    const tail = n - (count - last.length);
    let body: Body;
    if (tail >= 0) body = { type: 'runtime.disconnected', attributes: { runtime: last[tail]!, reason: 'connection_refused' } };
    else {
      let roll = random() * total;
      body = (kinds.find((m) => (roll -= m.weight) < 0) ?? kinds[0]!).make(n);
    }
    const event = { ...body, id: `${idPrefix}-${n}`, source, occurredAt: new Date(start + Math.floor((n * options.spanMs) / count)).toISOString() } as BenchEvent;
    const checked = checkEvent(event, n);
    if (!checked.ok) throw new Error(`bench generated an invalid ${event.type}: ${JSON.stringify(checked.problems)}`);
    events.push(event);
  }
  return events;
}

/** The insight cards the stream should raise, for the report: one per high-memory and disconnected runtime, one for the failures. */
export const EXPECTED_CARDS = HIGH_MEMORY.length + DISCONNECTED.length + 1;
