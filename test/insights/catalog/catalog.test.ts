import { describe, expect, it } from 'vitest';
import { checkEvent } from '../../../src/events/envelope.js';
import { findCycles } from '../../../src/insights/catalog/dependency-cycle.js';
import type { Detection } from '../../../src/insights/catalog/entry.js';
import { catalog, findEntry } from '../../../src/insights/catalog/index.js';
import { evaluate } from '../../../src/insights/evaluate.js';
import { emptySnapshot } from '../../../src/insights/platform-snapshot.js';
import { SignalWindow } from '../../../src/insights/signal-window.js';
import { scenarios, type Scenario } from '../../../src/platform/scenarios/index.js';
import type { StoredEvent } from '../../../src/intake/event-writer.js';
import { windowOf } from '../../support/signals.js';

const START = new Date('2026-05-03T14:32:00Z');
const kinds = catalog.map((e) => e.kind);

/** A scenario as the intake would store it; `sentBeforeMs` stops the replay part-way through the playback. */
function replay(scenario: Scenario, sentBeforeMs = Infinity) {
  const events: StoredEvent[] = scenario
    .build(START)
    .filter((s) => s.atMs < sentBeforeMs)
    .map(({ event }) => {
      const checked = checkEvent(event, 0);
      if (!checked.ok) throw new Error(`${scenario.name}: ${JSON.stringify(checked.problems)}`);
      return { ...checked.event, eventKey: event.id! };
    });
  const window = new SignalWindow();
  window.add(events);
  return evaluate(catalog, { window, platform: emptySnapshot(), now: START.getTime() });
}

const scenario = (name: string): Scenario => scenarios.find((s) => s.name === name)!;
const found = (name: string, kind: string): Detection[] => replay(scenario(name)).detections.filter((d) => d.entry.kind === kind).map((d) => d.detection);

describe('the catalog', () => {
  it('has one entry per snake_case kind, each found by findEntry', () => {
    expect(new Set(kinds).size).toBe(kinds.length);
    for (const kind of kinds) {
      expect(kind).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(findEntry(kind)?.kind).toBe(kind);
    }
    expect(findEntry('no_such_kind')).toBeUndefined();
  });

  it('names only existing kinds as causes, and no cause waits for what it causes', () => {
    for (const entry of catalog) {
      for (const cause of entry.causedBy) {
        expect(kinds, `${entry.kind} ← ${cause}`).toContain(cause);
        expect(cause).not.toBe(entry.kind);
        expect(findEntry(cause)!.recoveryRank, `${cause} must not rank after ${entry.kind}`).toBeLessThanOrEqual(entry.recoveryRank);
      }
    }
    // Root-cause ranking walks causedBy; a cycle would make it loop.
    expect(findCycles(new Map(catalog.map((e) => [e.kind, e.causedBy])))).toEqual([]);
  });

  it("keeps the seed's recovery order: MCP, then runtimes, then the budget, stuck loops last", () => {
    const rank = (kind: string) => findEntry(kind)!.recoveryRank;
    expect(rank('mcp_pool_exhausted')).toBe(10);
    expect(rank('mcp_server_failing')).toBe(10);
    expect(rank('runtime_unreachable')).toBe(20);
    expect(rank('routine_budget_exhausted')).toBe(40);
    expect(rank('loops_stuck')).toBe(50);
  });

  it('gives every entry defaults for its thresholds, a title, a runbook, a ticket and a dismiss button', () => {
    const sample: Detection = { scope: 'x', summary: 'x', entities: [{ kind: 'runtime', id: 'x' }] };
    for (const entry of catalog) {
      expect(() => entry.thresholds.parse({}), entry.kind).not.toThrow();
      expect(entry.title(sample), entry.kind).not.toBe('');
      expect(entry.runbook.length, entry.kind).toBeGreaterThan(0);
      expect(entry.preventiveTicket.title, entry.kind).not.toBe('');
      expect(entry.preventiveTicket.deliverables.length, entry.kind).toBeGreaterThan(0);
      expect(entry.actions(sample).map((a) => a.action), entry.kind).toContain('dismiss');
    }
  });

  it('suggests the seed tickets #61 (Mike), #62 (James) and #63 (Elena) where the incident filed them', () => {
    const ticket = (kind: string) => findEntry(kind)!.preventiveTicket;
    for (const kind of ['retry_storm', 'mcp_pool_exhausted', 'routine_budget_exhausted']) {
      expect(ticket(kind)).toMatchObject({ title: 'Add connection backoff logic to routines', owner: 'Mike' });
    }
    for (const kind of ['runtime_memory_high', 'runtime_unreachable']) {
      expect(ticket(kind)).toMatchObject({ title: 'Implement memory monitoring for external runtimes', owner: 'James' });
    }
    for (const kind of ['provider_degraded', 'loops_stuck']) {
      expect(ticket(kind)).toMatchObject({ title: 'Add provider failover for critical agentic loops', owner: 'Elena' });
    }
  });

  it('never throws on odd but valid data (zero baselines, empty dependencies, far-future and past dates)', () => {
    const at = new Date(START.getTime() - 60_000).toISOString();
    const raw = [
      { type: 'endpoint.calls', attributes: { endpoint: 'e', callsPerMinute: 0, baselinePerMinute: 0 } },
      { type: 'mcp.pool', attributes: { server: 's', inUse: 0, size: 1 } },
      { type: 'task.dependency', attributes: { taskId: 't', dependsOn: [] } },
      { type: 'credential.expiry', attributes: { credential: 'c', expiresAt: '2999-01-01T00:00:00Z' } },
      { type: 'context.usage', attributes: { agent: 'a', usedTokens: 0, windowTokens: 1, compactionThreshold: 0 } },
      { type: 'routine.spend', attributes: { routine: 'r', spentUsd: 0, limitUsd: 0.01 } },
      { type: 'workstream.state', attributes: { workstream: 'w', state: 'failed' } },
      { type: 'loop.started', attributes: { loopId: 'l' } },
      { type: 'queue.depth', attributes: { queue: 'q', kind: 'dead_letter', depth: 0 } },
    ];
    const events = raw.map((e, i) => {
      const checked = checkEvent({ id: `odd-${i}`, source: 'test', occurredAt: at, ...e }, i);
      if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
      return { ...checked.event, eventKey: `odd-${i}` };
    });
    const result = evaluate(catalog, { window: windowOf(events), platform: emptySnapshot(), now: START.getTime() });
    expect(result.failures).toEqual([]);
    for (const { detection } of result.detections) expect(detection.summary).not.toMatch(/NaN|Infinity|undefined/);
  });
});

describe('replaying the scenarios', () => {
  const expected: Record<string, string[]> = {
    'cascading-failure': ['runtime_execution_failures', 'runtime_unreachable', 'loops_stuck', 'routine_budget_exhausted', 'mcp_pool_exhausted', 'provider_degraded'],
    'circuit-breaker-open': ['breaker_open'],
    'hallucination-detected': ['hallucination_detected'],
    'partner-trust-drop': ['partner_trust_low'],
    'database-failover': ['database_unreachable'],
    'agent-execution-timeout': ['agent_execution_timeout'],
    'trace-replay-regression': ['trace_replay_regression'],
    'redis-memory-pressure': ['redis_memory_pressure'],
    'task-retries-exhausted': ['task_retries_exhausted'],
    'worker-unresponsive': ['worker_unresponsive'],
    'resource-exhausted': ['resource_exhausted'],
    'dependency-cycle': ['dependency_cycle'],
    'workstream-failed': ['workstream_failed'],
    'subagent-spawn-loop': ['duplicate_subagent_spawns'],
    'context-overflow': ['context_window_high'],
    'dead-letter-growth': ['dead_letter_growing', 'task_queue_growing'],
    'task-queue-growing': ['task_queue_growing'],
    'credential-expiring': ['credential_expiring', 'probe_failing'],
    'probe-failing': ['probe_failing'],
    'retry-storm': ['retry_storm'],
  };

  it('covers every scenario', () => {
    expect(Object.keys(expected).sort()).toEqual(scenarios.map((s) => s.name).sort());
  });

  it.each(scenarios.map((s) => [s.name, s] as const))('%s yields its kinds, with every rule running cleanly', (name, s) => {
    const result = replay(s);
    expect(result.failures).toEqual([]);
    const fired = new Set(result.detections.map((d) => d.entry.kind));
    for (const kind of expected[name]!) expect([...fired], `${name} → ${kind}`).toContain(kind);
  });

  it('evaluates cleanly after every batch of every playback, not just at the end', () => {
    for (const s of scenarios) {
      for (const atMs of new Set(s.build(START).map((e) => e.atMs))) expect(replay(s, atMs + 1).failures, `${s.name} @${atMs}`).toEqual([]);
    }
  });
});

describe('the cascading failure, as the seed tells it', () => {
  it('shows both runtimes unreachable with the Doctor report reasons', () => {
    expect(found('cascading-failure', 'runtime_unreachable').map((d) => d.summary)).toEqual([
      'External runtime bash-runtime-mike unreachable (connection refused).',
      'External runtime bash-runtime-priya unreachable (timeout).',
    ]);
  });

  it('counts 7 stuck loops when the incident is noticed, and 5 once #50 and #53 complete on their own', () => {
    const beforeRecoveries = replay(scenario('cascading-failure'), 9000).detections.find((d) => d.entry.kind === 'loops_stuck')!.detection;
    expect(beforeRecoveries.summary).toBe('7 agentic loops in "running" state > 30 minutes.');
    const [atStart] = found('cascading-failure', 'loops_stuck');
    expect(atStart!.summary).toBe('5 agentic loops in "running" state > 30 minutes.');
    expect(atStart!.entities.map((e) => e.label)).toEqual(expect.arrayContaining(['Ticket #47 (Code review)', 'Ticket #52 (Data analysis)', 'Ticket #55 (Architecture planning)']));
    expect(atStart!.entities.map((e) => e.label)).not.toContain('Ticket #50 (API pagination refactor)');
  });

  it('shows the budget card, the exhausted pool and only OpenAI degraded', () => {
    const [budget] = found('cascading-failure', 'routine_budget_exhausted');
    expect(budget).toMatchObject({ scope: 'daily-code-review', summary: 'Routine "daily-code-review" failed execution.' });
    expect(budget!.fields).toContainEqual({ label: 'Spent', value: '$12.47 of $10.00 (124%)' });
    const [pool, ...morePools] = found('cascading-failure', 'mcp_pool_exhausted');
    expect(morePools).toEqual([]);
    expect(pool).toMatchObject({ scope: 'database-query', facts: { poolSize: 5, inUse: 5, waiting: 3, concurrent: 8 } });
    expect(found('cascading-failure', 'provider_degraded').map((d) => d.summary)).toEqual(['Provider openai degraded (slow response).']);
  });
});
