import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { fingerprintMarker, githubTickets } from '../../src/tickets/github.js';
import { improveFromIncident, improvementSummary, type FailureSignal } from '../../src/tickets/improve.js';

/**
 * The seed's improvement loop against GitHub Issues: a small stateful GitHub behind msw that
 * numbers issues from #60 and answers searches over their bodies.
 */
const API = 'http://github.test';
type Issue = { number: number; title: string; body: string; labels: string[]; state: 'open' | 'closed' };
const issues: Issue[] = [];
const urlOf = (n: number) => `https://github.com/team-x/platform/issues/${n}`;
const json = (i: Issue) => ({ number: i.number, html_url: urlOf(i.number), title: i.title, body: i.body, state: i.state, labels: i.labels.map((name) => ({ name })) });

const server = setupServer(
  http.get(`${API}/search/issues`, ({ request }) => {
    const q = new URL(request.url).searchParams.get('q') ?? '';
    const phrase = /"([^"]+)"/.exec(q)?.[1] ?? '';
    const hits = issues.filter((i) => i.state === 'open' && i.body.includes(phrase));
    return HttpResponse.json({ total_count: hits.length, incomplete_results: false, items: hits.map(json) });
  }),
  http.post(`${API}/repos/team-x/platform/issues`, async ({ request }) => {
    const body = (await request.json()) as { title: string; body: string; labels: string[] };
    const created: Issue = { number: 60 + issues.length, ...body, state: 'open' };
    issues.push(created);
    return HttpResponse.json(json(created), { status: 201 });
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const signals: FailureSignal[] = [
  { kind: 'mcp_pool_exhausted', scope: 'database-query', evidence: 'Pool 5/5 in use.' },
  { kind: 'mcp_server_failing', scope: 'database-query', evidence: 'database-query failing.' },
  { kind: 'runtime_unreachable', scope: 'bash-runtime-mike', evidence: 'Connection refused after OOM.' },
  { kind: 'loops_stuck', scope: 'workspace', evidence: '7 loops running > 30 min.' },
];

it('files #61–#63 on GitHub, finds the open pooling issue by its marker, and files none the second time', async () => {
  // Filed by hand after an earlier incident, with the marker Triage would have written.
  issues.push({
    number: 60,
    title: 'Add connection pooling logic with proper cleanup to MCP servers',
    body: `Pool the MCP connections.\n\n${fingerprintMarker('add-connection-pooling-logic-with-proper-cleanup-to-mcp-servers')}`,
    labels: ['reliability'],
    state: 'open',
  });
  const tickets = githubTickets({ token: 'ghp_secret', repository: 'team-x/platform', apiUrl: API }, { sleep: async () => {} });
  const first = await improveFromIncident({ tickets }, { incidentId: 2, kinds: signals });
  if (!first.ok) throw new Error(first.error.message);
  expect(improvementSummary(first.value).split('\n')).toEqual([
    '3 improvement tickets created, 1 existing ticket found (deduped)',
    `• #61: Add connection backoff logic to routines — ${urlOf(61)}`,
    `• #62: Implement memory monitoring for external runtimes — ${urlOf(62)}`,
    `• #63: Add provider failover for critical agentic loops — ${urlOf(63)}`,
    `• #60: Add connection pooling logic with proper cleanup to MCP servers (already open) — ${urlOf(60)}`,
  ]);
  expect(issues.find((i) => i.number === 61)!.labels).toEqual(['agent-improvement', 'self-improvement', 'reliability']);

  const again = await improveFromIncident({ tickets }, { incidentId: 2, kinds: signals });
  expect(again.ok && again.value.created).toEqual([]);
  // In the incident's order: the fix for the primary cause first.
  expect(again.ok && again.value.existing.map((t) => t.id)).toEqual(['61', '60', '62', '63']);
  expect(issues).toHaveLength(4);
});
