import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentFacts } from '../../src/postmortem/facts.js';
import { generateMinutes } from '../../src/postmortem/minutes.js';
import { createPolisher, type LlmConfig } from '../../src/postmortem/polish.js';

const API_KEY = 'sk-test-secret-key-never-leaks';
const at = (minute: number): Date => new Date(Date.UTC(2026, 4, 3, 14, 32 + minute));

/** A small incident: the pool exhausted, then Mike's runtime down; James restarted it. */
const facts: IncidentFacts = {
  incident: { id: 7, title: 'Cascading failure', status: 'resolved', origin: 'correlated', openedBy: 'Triage', channel: 'ops', openedAt: at(0), resolvedAt: at(47) },
  until: at(47),
  insights: [
    {
      id: 1, kind: 'mcp_pool_exhausted', title: 'MCP pool exhausted: database-query', severity: 'critical', status: 'resolved', scope: 'database-query',
      summary: 'MCP server "database-query" connection pool exhausted.', facts: { poolSize: 5 },
      entities: [{ kind: 'mcp_server', id: 'database-query' }], firstSeenAt: at(0), lastSeenAt: at(10),
    },
    {
      id: 2, kind: 'runtime_unreachable', title: 'Runtime bash-runtime-mike unreachable', severity: 'critical', status: 'resolved', scope: 'bash-runtime-mike',
      summary: 'External runtime bash-runtime-mike unreachable (connection refused).', facts: { oom: true },
      entities: [{ kind: 'runtime', id: 'bash-runtime-mike' }], firstSeenAt: at(3), lastSeenAt: at(20),
    },
  ],
  history: [],
  audit: [{ id: 1, at: at(30), actor: 'James', action: 'restart_runtime', target: 'runtime:bash-runtime-mike', outcome: 'succeeded', durationMs: 4200, words: 'restarted runtime bash-runtime-mike' }],
  approvals: [],
  doctorRuns: [],
};
const minutes = generateMinutes(facts);
const polished = { summary: 'A polished summary: the database-query pool ran dry at 14:32 UTC.', lessons: minutes.lessons.map((l) => `Polished: ${l}`) };

const PROVIDERS = {
  openai: {
    url: 'http://llm.test/v1',
    endpoint: 'http://llm.test/v1/chat/completions',
    reply: (text: string) => ({ choices: [{ message: { role: 'assistant', content: text } }] }),
    auth: (h: Headers) => h.get('authorization') === `Bearer ${API_KEY}`,
  },
  anthropic: {
    url: 'http://llm.test',
    endpoint: 'http://llm.test/v1/messages',
    reply: (text: string) => ({ content: [{ type: 'text', text }] }),
    auth: (h: Headers) => h.get('x-api-key') === API_KEY && h.get('authorization') === null,
  },
} as const;

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe.each(['openai', 'anthropic'] as const)('polishing the minutes through %s', (provider) => {
  const p = PROVIDERS[provider];
  const config: LlmConfig = { provider, url: p.url, model: 'test-model', apiKey: API_KEY, timeoutMs: 200 };
  const answer = (respond: () => Promise<Response> | Response) => {
    const seen: Array<{ headers: Headers; body: string }> = [];
    server.use(http.post(p.endpoint, async ({ request }) => {
      seen.push({ headers: request.headers, body: await request.text() });
      return respond();
    }));
    return seen;
  };
  const deterministic = (note: string) => ({ minutes: { ...minutes, note }, note });

  it('rewrites only the prose, says which model did, and sends the key only in the auth header', async () => {
    const seen = answer(() => HttpResponse.json(p.reply('```json\n' + JSON.stringify(polished) + '\n```')));
    const result = await createPolisher(config).polish(minutes);
    expect(result.note).toBe('prose polished by test-model');
    expect(result.minutes).toEqual({ ...minutes, ...polished, note: 'prose polished by test-model' });
    expect(seen).toHaveLength(1);
    expect(p.auth(seen[0]!.headers)).toBe(true);
    expect(seen[0]!.body).not.toContain(API_KEY);
    expect(JSON.parse(seen[0]!.body)).toMatchObject({ model: 'test-model' });
    expect(seen[0]!.body).toContain(JSON.stringify(minutes.summary).slice(1, -1));
  });

  it('falls back to the deterministic minutes on a timeout, and says so', async () => {
    answer(async () => {
      await delay(2_000);
      return HttpResponse.json(p.reply(JSON.stringify(polished)));
    });
    const started = Date.now();
    const result = await createPolisher(config).polish(minutes);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(result).toEqual(deterministic('LLM unavailable (timeout after 0.2 s): deterministic minutes'));
  });

  it('falls back on a 500 and on a reply that is not the minutes', async () => {
    answer(() => HttpResponse.json({ error: { message: `bad key ${API_KEY}` } }, { status: 500 }));
    const failed = await createPolisher(config).polish(minutes);
    expect(failed).toEqual(deterministic('LLM unavailable (HTTP 500): deterministic minutes'));
    expect(JSON.stringify(failed)).not.toContain(API_KEY);

    server.resetHandlers();
    answer(() => HttpResponse.json(p.reply(JSON.stringify({ summary: 'Dropped the lessons', lessons: [] }))));
    expect(await createPolisher(config).polish(minutes)).toEqual(deterministic('LLM unavailable (unexpected response): deterministic minutes'));
  });

  it('stops calling after repeated failures: the open breaker falls back at once', async () => {
    const seen = answer(() => new HttpResponse('overloaded', { status: 503 }));
    const polisher = createPolisher(config);
    for (let i = 0; i < 3; i++) expect((await polisher.polish(minutes)).note).toBe('LLM unavailable (HTTP 503): deterministic minutes');
    const started = Date.now();
    const result = await polisher.polish(minutes);
    expect(Date.now() - started).toBeLessThan(50);
    expect(result).toEqual(deterministic('LLM unavailable (circuit open after repeated failures): deterministic minutes'));
    expect(seen).toHaveLength(3);
  });
});

it('without an LLM configured the minutes stay deterministic and say so', async () => {
  expect(await createPolisher(undefined).polish(minutes)).toEqual({ minutes, note: 'deterministic minutes' });
});
