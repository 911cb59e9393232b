import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backoffTicket, memoryMonitoringTicket, providerFailoverTicket } from '../../src/insights/catalog/seed-tickets.js';
import { builtinTickets, listTickets } from '../../src/tickets/builtin.js';
import { improveFromIncident, improvementSummary, ticketFingerprint, type FailureSignal } from '../../src/tickets/improve.js';
import { findScenario } from '../../src/platform/scenarios/index.js';
import { playScenario } from '../../src/platform/scenarios/player.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { startTestTriage, TEST_TOKEN } from '../support/triage.js';

/** The seed's cascading failure, as the incident's insights describe it (root-cause order). */
const seedSignals: FailureSignal[] = [
  { kind: 'mcp_pool_exhausted', scope: 'database-query', evidence: 'MCP server "database-query" connection pool exhausted (5/5 in use).' },
  { kind: 'mcp_server_failing', scope: 'database-query', evidence: 'database-query failing: connection pool exhausted.' },
  { kind: 'runtime_unreachable', scope: 'bash-runtime-mike', evidence: 'External runtime bash-runtime-mike unreachable (connection refused) after an OOM.' },
  { kind: 'provider_degraded', scope: 'openai', evidence: 'OpenAI latency 12 s, error rate 8%.' },
  { kind: 'loops_stuck', scope: 'workspace', evidence: '7 agentic loops in "running" state > 30 minutes.' },
  { kind: 'routine_budget_exhausted', scope: 'daily-code-review', evidence: 'daily-code-review spent $12.47 of $10.00 (124% of limit).' },
  { kind: 'not_a_catalog_kind', evidence: 'ignored: no template' },
];

const LABELS = ['agent-improvement', 'self-improvement', 'reliability'];

describe.each(oneDatabaseKind())('the improvement loop on the built-in tracker (%s)', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(() => database.drop());
  beforeEach(async () => {
    await database.query(sql`delete from tickets`);
  });

  it('files the seed\'s #61, #62 and #63 and dedupes the one already open; resolving again files none', async () => {
    const tickets = builtinTickets(database.db);
    // An MCP connection-pooling ticket is already open from an earlier incident.
    const earlier = await improveFromIncident({ tickets }, { incidentId: 1, kinds: [seedSignals[1]!] });
    expect(earlier.ok && earlier.value.created.map((t) => t.title)).toEqual(['Add connection pooling logic with proper cleanup to MCP servers']);

    const first = await improveFromIncident({ tickets }, { incidentId: 2, kinds: seedSignals });
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value.created.map((t) => t.title)).toEqual([backoffTicket.title, memoryMonitoringTicket.title, providerFailoverTicket.title]);
    expect(first.value.existing.map((t) => t.title)).toEqual(['Add connection pooling logic with proper cleanup to MCP servers']);
    const [n61, n62, n63] = first.value.created;
    expect(n61).toMatchObject({ labels: LABELS, owner: 'Mike', deliverables: backoffTicket.deliverables, incidentId: 2, status: 'open', tracker: 'builtin' });
    expect(n62!.owner).toBe('James');
    expect(n63!.owner).toBe('Elena');
    // The description carries the template and the evidence of every kind that asked for this fix.
    expect(n61!.description).toContain(backoffTicket.description);
    expect(n61!.description).toContain('Evidence from incident #2:\n- mcp pool exhausted (database-query): MCP server "database-query" connection pool exhausted (5/5 in use).');
    expect(n61!.description).toContain('- routine budget exhausted (daily-code-review): daily-code-review spent $12.47 of $10.00 (124% of limit).');

    const summary = improvementSummary(first.value);
    expect(summary.split('\n')).toEqual([
      '3 improvement tickets created, 1 existing ticket found (deduped)',
      `• #${n61!.id}: Add connection backoff logic to routines`,
      `• #${n62!.id}: Implement memory monitoring for external runtimes`,
      `• #${n63!.id}: Add provider failover for critical agentic loops`,
      `• #${earlier.ok && earlier.value.created[0]!.id}: Add connection pooling logic with proper cleanup to MCP servers (already open)`,
    ]);

    const again = await improveFromIncident({ tickets }, { incidentId: 2, kinds: seedSignals });
    expect(again.ok && again.value.created).toEqual([]);
    expect(again.ok && again.value.existing.map((t) => t.id).sort()).toEqual([...first.value.created, ...first.value.existing].map((t) => t.id).sort());
    expect(again.ok && improvementSummary(again.value).split('\n')[0]).toBe('0 improvement tickets created, 4 existing tickets found (deduped)');
    expect(await listTickets(database.db)).toHaveLength(4);
  });

  it('files each ticket once when two resolves of the same incident race', async () => {
    const tickets = builtinTickets(database.db);
    const kinds = seedSignals.slice(0, 5);
    const [a, b] = await Promise.all([improveFromIncident({ tickets }, { incidentId: 8, kinds }), improveFromIncident({ tickets }, { incidentId: 8, kinds })]);
    expect(a.ok && b.ok).toBe(true);
    expect((await listTickets(database.db)).map((t) => t.title).sort()).toEqual(
      [backoffTicket.title, memoryMonitoringTicket.title, providerFailoverTicket.title, 'Add connection pooling logic with proper cleanup to MCP servers'].sort(),
    );
  });

  it('files one ticket per preventive measure even when a runtime crash and its memory alert both ask for it', async () => {
    const tickets = builtinTickets(database.db);
    const result = await improveFromIncident({ tickets }, {
      incidentId: 5,
      kinds: [
        { kind: 'runtime_execution_failures', scope: 'bash-runtime-mike', evidence: '3 executions failed (OOM).' },
        { kind: 'runtime_memory_high', scope: 'bash-runtime-mike', evidence: 'Memory at 96% of 2048 MB.' },
      ],
    });
    expect(result.ok && result.value.created.map((t) => [t.title, t.fingerprint])).toEqual([
      [memoryMonitoringTicket.title, ticketFingerprint(memoryMonitoringTicket)],
    ]);
  });

  it('files nothing, and says so, for an incident without catalog failure kinds', async () => {
    const result = await improveFromIncident({ tickets: builtinTickets(database.db) }, { incidentId: 6, kinds: [] });
    expect(result).toEqual({ ok: true, value: { created: [], existing: [] } });
    expect(improvementSummary({ created: [], existing: [] })).toMatch(/^No improvement tickets/);
  });

  it('passes on the tracker\'s error instead of a partial success', async () => {
    const broken = await openTestDatabase(kind);
    await broken.drop();
    const result = await improveFromIncident({ tickets: builtinTickets(broken.db) }, { incidentId: 7, kinds: seedSignals });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('unavailable');
  });
});

describe('the improvement loop over the seed story played through Triage', () => {
  it('turns the incident\'s critical insights into the seed\'s three tickets plus the one already open', async () => {
    const triage = await startTestTriage('pglite');
    try {
      const played = await playScenario({ scenario: findScenario('cascading-failure')!, url: triage.url, token: TEST_TOKEN, speed: 50 });
      expect(played.ok).toBe(true);
      await triage.writer.drain();
      await triage.evaluator.idle();
      const rows = await triage.testDatabase.query<{ kind: string; scope: string; summary: string }>(
        sql`select kind, scope, detection->>'summary' as summary from insights where severity = 'critical' order by id`,
      );
      const kinds = rows.map((r) => ({ kind: r.kind, scope: r.scope, evidence: r.summary }));
      const tickets = builtinTickets(triage.testDatabase.db);
      await tickets.create({ fingerprint: 'add-connection-pooling-logic-with-proper-cleanup-to-mcp-servers', title: 'Add connection pooling logic with proper cleanup to MCP servers', description: 'Filed last month.', labels: LABELS, deliverables: [] });
      const result = await improveFromIncident({ tickets }, { incidentId: 1, kinds });
      if (!result.ok) throw new Error(result.error.message);
      expect(result.value.created.map((t) => t.title).sort()).toEqual([backoffTicket.title, memoryMonitoringTicket.title, providerFailoverTicket.title].sort());
      expect(improvementSummary(result.value).split('\n')[0]).toBe('3 improvement tickets created, 1 existing ticket found (deduped)');
      // The evidence is what actually happened, read from the insights.
      const memory = result.value.created.find((t) => t.title === memoryMonitoringTicket.title)!;
      expect(memory.description).toContain('runtime unreachable (bash-runtime-mike): External runtime bash-runtime-mike unreachable (connection refused).');
    } finally {
      await triage.close();
    }
  }, 60_000);
});

describe('ticket fingerprints', () => {
  it('are stable slugs of the preventive measure', () => {
    expect(ticketFingerprint(backoffTicket)).toBe('add-connection-backoff-logic-to-routines');
    expect(ticketFingerprint({ title: '  Add (L3) & L4 checks!  ' })).toBe('add-l3-l4-checks');
  });
});
