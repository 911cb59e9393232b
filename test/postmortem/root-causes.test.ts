import { describe, expect, it } from 'vitest';
import { Card } from '../../src/chat/card.js';
import type { EntityKind } from '../../src/insights/catalog/entry.js';
import type { IncidentFacts, InsightFact } from '../../src/postmortem/facts.js';
import { generateMinutes, minutesCard } from '../../src/postmortem/minutes.js';

const at = (minute: number): Date => new Date(Date.UTC(2026, 4, 3, 14, 32 + minute));
let nextId = 1;
const insight = (kind: string, minute: number, entity: [EntityKind, string], extra: Partial<InsightFact> = {}): InsightFact => ({
  id: nextId++,
  kind,
  title: `${kind} on ${entity[1]}`,
  severity: 'critical',
  status: 'resolved',
  scope: entity[1],
  summary: `${kind} seen on ${entity[1]}.`,
  facts: {},
  entities: [{ kind: entity[0], id: entity[1] }],
  firstSeenAt: at(minute),
  lastSeenAt: at(minute + 5),
  ...extra,
});
const factsOf = (insights: InsightFact[], minutes = 72): IncidentFacts => ({
  incident: { id: 1, title: 'Test incident', status: 'resolved', origin: 'correlated', openedBy: 'Triage', channel: 'ops', openedAt: at(0), resolvedAt: at(minutes) },
  until: at(minutes),
  insights,
  history: [],
  audit: [],
  approvals: [],
  doctorRuns: [],
});

/** The ranking rules on hand-made incidents: what the dependency map decides, and what it cannot. */
describe('root causes from the dependency map', () => {
  it('ranks a cause above its effect even when the effect was detected first', () => {
    const m = generateMinutes(factsOf([insight('runtime_unreachable', 0, ['runtime', 'r1']), insight('mcp_pool_exhausted', 6, ['mcp_server', 'db'])]));
    expect(m.rootCauses.map((c) => [c.rank, c.kinds])).toEqual([
      ['primary', ['mcp_pool_exhausted']],
      ['secondary', ['runtime_unreachable']],
    ]);
    expect(m.rootCauses[1]!.contributingFactor).toBe('mcp_pool_exhausted on db');
    expect(m.duration).toBe('1 h 12 min');
  });

  it('orders unrelated causes by first detection, and calls the fourth and later contributing', () => {
    const m = generateMinutes(
      factsOf([
        insight('database_unreachable', 9, ['database', 'main']),
        insight('credential_expiring', 2, ['credential', 'gh'], { severity: 'warning' }),
        insight('redis_memory_pressure', 5, ['redis', 'cache'], { severity: 'warning' }),
        insight('dependency_cycle', 1, ['workstream', 'ws'], { severity: 'critical' }),
      ]),
    );
    expect(m.rootCauses.map((c) => [c.rank, c.kinds[0]])).toEqual([
      ['primary', 'dependency_cycle'],
      ['secondary', 'credential_expiring'],
      ['tertiary', 'redis_memory_pressure'],
      ['contributing', 'database_unreachable'],
    ]);
  });

  it('without the provider degradation in the incident, the third cause is the stuck loops it left behind (same prevention)', () => {
    const m = generateMinutes(
      factsOf([
        insight('loops_stuck', 0, ['loop', 'loop-55'], { facts: { loops: 5 } }),
        insight('runtime_memory_high', 1, ['runtime', 'bash-runtime-mike']),
        insight('mcp_pool_exhausted', 1, ['mcp_server', 'database-query']),
        insight('routine_budget_exhausted', 2, ['routine', 'daily-code-review'], { facts: { paused: true } }),
        insight('mcp_server_failing', 2, ['mcp_server', 'database-query']),
        insight('runtime_unreachable', 3, ['runtime', 'bash-runtime-mike']),
      ]),
    );
    expect(m.rootCauses.map((c) => [c.rank, c.title, c.prevention])).toEqual([
      ['primary', 'MCP connection pool exhausted', 'Add connection backoff logic to routines'],
      ['secondary', 'Runtime memory high', 'Implement memory monitoring for external runtimes'],
      ['tertiary', 'Stuck agentic loops', 'Add provider failover for critical agentic loops'],
    ]);
  });

  it('keeps the card within Block Kit limits and points long minutes to the Markdown', () => {
    // Kinds the catalog does not know yet still count, each under its own name.
    const many = Array.from({ length: 40 }, (_, i) => insight(`future_kind_${i}_${'x'.repeat(80)}`, i, ['probe', `probe-${i}`], { summary: 'y'.repeat(600) }));
    const card = Card.parse(minutesCard(generateMinutes(factsOf(many)), 42));
    expect(card.text.length).toBeLessThanOrEqual(3000);
    expect(card.text).toMatch(/full minutes: \/incidents\/42\/postmortem\.md$/);
    expect(card.fields.every((f) => f.value.length <= 2000)).toBe(true);
  });
});
