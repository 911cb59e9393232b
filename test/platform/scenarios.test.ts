import { describe, expect, it } from 'vitest';
import { checkEvent } from '../../src/events/envelope.js';
import type { TypedEvent } from '../../src/events/vocabulary.js';
import { defaultUrl, parseCliArgs, resolveToken } from '../../src/platform/scenarios/cli.js';
import { findScenario, scenarios, type ScheduledEvent } from '../../src/platform/scenarios/index.js';
import { groupBySendTime } from '../../src/platform/scenarios/player.js';

const START = new Date('2026-05-03T15:19:00.000Z');
const MINUTE = 60_000;

const attrs = (e: TypedEvent): Record<string, unknown> => e.attributes as Record<string, unknown>;
const ofType = (events: ScheduledEvent[], type: string): Array<Record<string, unknown>> =>
  events.filter((s) => s.event.type === type).map((s) => attrs(s.event));
const at = (e: TypedEvent): number => Date.parse(e.occurredAt);

describe('every scenario', () => {
  it('has a unique kebab-case name, a title and a description', () => {
    expect(new Set(scenarios.map((s) => s.name)).size).toBe(scenarios.length);
    for (const s of scenarios) {
      expect(s.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(s.title.length).toBeGreaterThan(5);
      expect(s.description.length).toBeGreaterThan(20);
    }
  });

  it('includes the scenarios the seeds call for', () => {
    const names = scenarios.map((s) => s.name);
    for (const name of [
      'cascading-failure',
      'circuit-breaker-open',
      'partner-trust-drop',
      'agent-execution-timeout',
      'redis-memory-pressure',
      'worker-unresponsive',
      'dependency-cycle',
    ]) {
      expect(names).toContain(name);
    }
  });

  describe.each(scenarios.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    const events = scenario.build(START);

    it('passes the intake\'s own check for every event, as a known type', () => {
      expect(events.length).toBeGreaterThan(0);
      events.forEach(({ event }, index) => {
        const check = checkEvent(event, index);
        expect(check, JSON.stringify(event)).toMatchObject({ ok: true, event: { known: true } });
      });
    });

    it('gives every event a unique id that is stable for the same start and new for a new one', () => {
      const ids = events.map((s) => s.event.id);
      expect(ids.every((id) => typeof id === 'string' && id.startsWith(`${scenario.name}:`))).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      expect(scenario.build(new Date(START)).map((s) => s.event.id)).toEqual(ids);
      const later = scenario.build(new Date(START.getTime() + 1000)).map((s) => s.event.id);
      expect(later.filter((id) => ids.includes(id))).toEqual([]);
    });

    it('dates nothing after the start and sends in order within ~10 s', () => {
      for (const { event } of events) expect(at(event)).toBeLessThanOrEqual(START.getTime());
      const sends = events.map((s) => s.atMs);
      expect(sends).toEqual([...sends].sort((a, b) => a - b));
      expect(sends[0]).toBeGreaterThanOrEqual(0);
      expect(sends.at(-1)).toBeLessThanOrEqual(10_000);
    });

    it('keeps each request well under the intake\'s limits', () => {
      for (const batch of groupBySendTime(events)) {
        expect(batch.events.length).toBeLessThanOrEqual(500);
        expect(Buffer.byteLength(JSON.stringify({ events: batch.events }))).toBeLessThan(256 * 1024);
      }
    });
  });
});

describe('cascading-failure carries the seed incident\'s facts', () => {
  const events = findScenario('cascading-failure')!.build(START);
  const end = START.getTime();

  it('plays in at most 10 s while its story spans an hour', () => {
    expect(Math.max(...events.map((s) => s.atMs))).toBeLessThanOrEqual(10_000);
    const times = events.map((s) => at(s.event));
    expect(end - Math.min(...times)).toBeGreaterThanOrEqual(60 * MINUTE);
    expect(groupBySendTime(events).length).toBeGreaterThanOrEqual(5);
  });

  it('starts 7 loops more than 30 minutes before the end, including tickets #47, #52 and #55', () => {
    const started = events.filter((s) => s.event.type === 'loop.started');
    expect(started).toHaveLength(7);
    for (const { event } of started) expect(end - at(event)).toBeGreaterThan(30 * MINUTE);
    const byTicket = new Map(started.map((s) => [attrs(s.event).ticket, attrs(s.event)]));
    expect(byTicket.get('#47')).toMatchObject({ title: 'Code review', employee: 'Elena', provider: 'openai' });
    expect(byTicket.get('#52')).toMatchObject({ title: 'Data analysis', employee: 'Alex', provider: 'anthropic' });
    expect(byTicket.get('#55')).toMatchObject({ title: 'Architecture planning', employee: 'Elena', provider: 'openai' });
    const finished = ofType(events, 'loop.finished');
    expect(finished).toHaveLength(2);
    expect(finished.every((f) => started.some((s) => attrs(s.event).loopId === f.loopId))).toBe(true);
  });

  it('fails 3 runtime executions within 10 minutes and disconnects Mike (refused, after OOM) and Priya (timeout)', () => {
    const failures = events.filter((s) => s.event.type === 'runtime.execution_failed');
    expect(failures).toHaveLength(3);
    for (const { event } of failures) expect(end - at(event)).toBeLessThanOrEqual(10 * MINUTE);
    const down = ofType(events, 'runtime.disconnected');
    expect(down).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ runtime: 'bash-runtime-mike', reason: 'connection_refused', cause: 'oom' }),
        expect.objectContaining({ runtime: 'bash-runtime-priya', reason: 'timeout' }),
      ]),
    );
    expect(ofType(events, 'runtime.session_stale')).toHaveLength(1);
  });

  it('climbs Mike\'s memory to ~97% before the crash and stops his and Priya\'s heartbeats 2+ intervals ago', () => {
    const memory = events.filter((s) => s.event.type === 'runtime.memory' && attrs(s.event).runtime === 'bash-runtime-mike');
    const ratios = memory.map((s) => (attrs(s.event).usedMb as number) / (attrs(s.event).limitMb as number));
    expect(ratios).toEqual([...ratios].sort((a, b) => a - b));
    expect(ratios.at(-1)).toBeGreaterThanOrEqual(0.96);
    const crash = events.find((s) => s.event.type === 'runtime.execution_failed' && attrs(s.event).reason === 'oom')!;
    expect(at(memory.at(-1)!.event)).toBeLessThan(at(crash.event));

    const lastBeat = (runtime: string) =>
      Math.max(...events.filter((s) => s.event.type === 'runtime.heartbeat' && attrs(s.event).runtime === runtime).map((s) => at(s.event)));
    for (const runtime of ['bash-runtime-mike', 'bash-runtime-priya']) expect(end - lastBeat(runtime)).toBeGreaterThan(2 * 30_000);
    expect(end - lastBeat('bash-runtime-elena')).toBeLessThan(30_000);
  });

  it('exhausts the database-query pool (5 of 5, 8 concurrent) and fails its health check', () => {
    const pool = ofType(events, 'mcp.pool').filter((p) => p.server === 'database-query');
    expect(pool.map((p) => p.inUse)).toEqual(expect.arrayContaining([3, 5]));
    expect(pool.at(-1)).toMatchObject({ size: 5, inUse: 5, waiting: 3 });
    expect((pool.at(-1)!.inUse as number) + (pool.at(-1)!.waiting as number)).toBe(8);
    expect(ofType(events, 'mcp.health')).toContainEqual(
      expect.objectContaining({ server: 'database-query', status: 'failing', error: 'connection pool exhausted' }),
    );
  });

  it('burns daily-code-review to $12.47 of $10.00 in a retry storm, then fails it with budget_exhausted and pauses it', () => {
    const spend = ofType(events, 'routine.spend').filter((s) => s.routine === 'daily-code-review');
    expect(spend.at(-1)).toMatchObject({ spentUsd: 12.47, limitUsd: 10 });
    expect(ofType(events, 'routine.run').filter((r) => r.status === 'failed').length).toBeGreaterThanOrEqual(4);
    expect(ofType(events, 'routine.run')).toContainEqual(expect.objectContaining({ status: 'failed', error: 'budget_exhausted' }));
    expect(ofType(events, 'routine.paused')).toEqual([expect.objectContaining({ routine: 'daily-code-review', reason: 'budget_exhausted' })]);
    const calls = ofType(events, 'endpoint.calls');
    expect(calls.some((c) => (c.callsPerMinute as number) >= 5 * (c.baselinePerMinute as number))).toBe(true);
  });

  it('has OpenAI slow while Anthropic and Ollama are fine, and a backup an hour before', () => {
    const latest = (provider: string) => ofType(events, 'provider.health').filter((p) => p.provider === provider).at(-1);
    expect(latest('openai')).toMatchObject({ latencyMs: 12_000, errorRate: 0.08, status: 'degraded' });
    expect(latest('anthropic')).toMatchObject({ status: 'connected' });
    expect(latest('ollama')).toMatchObject({ status: 'connected' });
    const backup = events.find((s) => s.event.type === 'backup.completed')!;
    expect(end - at(backup.event)).toBe(60 * MINUTE);
  });
});

describe('playbook and orchestration scenarios carry their detection signals', () => {
  const last = (name: string, type: string) => ofType(findScenario(name)!.build(START), type).at(-1);

  it('opens the breaker past its threshold and drops the partner trust score below 0.80', () => {
    expect(last('circuit-breaker-open', 'breaker.state')).toMatchObject({ partner: 'P12345', state: 'open', failureCount: 15, threshold: 10 });
    expect(last('partner-trust-drop', 'partner.trust_score')).toMatchObject({ partner: 'P45678', score: 0.75 });
  });

  it('leaves an execution EXECUTING for more than 5 minutes', () => {
    const events = findScenario('agent-execution-timeout')!.build(START);
    const stuck = events.find((s) => s.event.type === 'agent.execution' && attrs(s.event).executionId === 'intent-789')!;
    expect(attrs(stuck.event).state).toBe('executing');
    expect(START.getTime() - at(stuck.event)).toBeGreaterThan(5 * MINUTE);
    expect(ofType(events, 'agent.execution').filter((e) => e.executionId === 'intent-789')).toHaveLength(1);
  });

  it('pushes Redis past 90% with idempotency keys evicted', () => {
    const redis = last('redis-memory-pressure', 'redis.memory')!;
    expect(redis.usedPercent).toBeGreaterThan(90);
    expect(redis.evictedIdempotencyKeys).toBeGreaterThan(0);
  });

  it('marks a worker unresponsive more than 3 minutes ago, with tasks on it and its heartbeats stopped', () => {
    const events = findScenario('worker-unresponsive')!.build(START);
    const marked = events.find((s) => s.event.type === 'worker.state')!;
    expect(attrs(marked.event)).toMatchObject({ worker: 'worker-001', state: 'unresponsive' });
    expect(START.getTime() - at(marked.event)).toBeGreaterThan(3 * MINUTE);
    const beats = events.filter((s) => s.event.type === 'worker.heartbeat' && attrs(s.event).worker === 'worker-001');
    expect(Math.max(...beats.map((s) => at(s.event)))).toBeLessThan(at(marked.event));
    expect(ofType(events, 'task.state').filter((t) => t.worker === 'worker-001' && t.state === 'executing')).toHaveLength(2);
  });

  it('declares a dependency cycle between two tasks', () => {
    const deps = ofType(findScenario('dependency-cycle')!.build(START), 'task.dependency');
    const graph = new Map(deps.map((d) => [d.taskId as string, d.dependsOn as string[]]));
    expect(graph.get('task-001')).toContain('task-002');
    expect(graph.get('task-002')).toContain('task-001');
  });

  it('fails a task on its last attempt', () => {
    expect(last('task-retries-exhausted', 'task.state')).toMatchObject({ state: 'failed', attempt: 3, maxAttempts: 3 });
  });
});

describe('scenario command line', () => {
  const env = {};

  it('accepts a scenario with defaults and with --speed and --url', () => {
    expect(parseCliArgs(['cascading-failure'], env)).toMatchObject({ ok: true, value: { kind: 'play', speed: 1, url: 'http://127.0.0.1:3000' } });
    expect(parseCliArgs(['retry-storm', '--speed', '2.5', '--url', 'http://triage.local:8080'], env)).toMatchObject({
      ok: true,
      value: { kind: 'play', speed: 2.5, url: 'http://triage.local:8080' },
    });
    expect(parseCliArgs(['--list'], env)).toEqual({ ok: true, value: { kind: 'list' } });
  });

  it('names the valid choices when the scenario is unknown or missing', () => {
    for (const argv of [['no-such-thing'], []]) {
      const parsed = parseCliArgs(argv, env);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) for (const s of scenarios) expect(parsed.error).toContain(s.name);
    }
  });

  it('refuses a speed that is not > 0, a non-http URL, a URL with credentials and unknown options', () => {
    for (const speed of ['0', '-1', 'fast', 'Infinity']) {
      expect(parseCliArgs(['cascading-failure', `--speed=${speed}`], env)).toMatchObject({ ok: false, error: expect.stringContaining('greater than 0') });
    }
    // parseArgs itself refuses a value that looks like an option.
    expect(parseCliArgs(['cascading-failure', '--speed', '-1'], env).ok).toBe(false);
    expect(parseCliArgs(['cascading-failure', '--url', 'ftp://x'], env)).toMatchObject({ ok: false, error: expect.stringContaining('http') });
    expect(parseCliArgs(['cascading-failure', '--url', 'nonsense'], env).ok).toBe(false);
    expect(parseCliArgs(['cascading-failure', '--url', 'http://u:p@h:1'], env)).toMatchObject({ ok: false, error: expect.stringContaining('credentials') });
    expect(parseCliArgs(['cascading-failure', '--fast'], env).ok).toBe(false);
  });

  it('defaults the URL from HOST and PORT, reaching a wildcard bind through loopback', () => {
    expect(defaultUrl({ HOST: 'triage.internal', PORT: '4000' })).toBe('http://triage.internal:4000');
    expect(defaultUrl({ HOST: '0.0.0.0' })).toBe('http://127.0.0.1:3000');
    expect(defaultUrl({ HOST: '::1', PORT: '3001' })).toBe('http://[::1]:3001');
  });

  it('takes the token from INGEST_TOKEN, else from the data directory, trimmed', async () => {
    const read = async (path: string) => {
      if (path === '/data/ingest-token') return '  trg_from_file_123456\n';
      throw new Error('ENOENT');
    };
    expect(await resolveToken({ INGEST_TOKEN: 'from-env', TRIAGE_DATA_DIR: '/data' }, read)).toEqual({ ok: true, value: 'from-env' });
    expect(await resolveToken({ TRIAGE_DATA_DIR: '/data' }, read)).toEqual({ ok: true, value: 'trg_from_file_123456' });
    const missing = await resolveToken({ TRIAGE_DATA_DIR: '/elsewhere' }, read);
    expect(missing).toMatchObject({ ok: false, error: expect.stringContaining('INGEST_TOKEN') });
  });
});
