import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpPlatform } from '../../src/platform/http-client.js';
import { OPERATIONS, type OperationName } from '../../src/platform/operations/index.js';
import { platformRoutes } from '../../src/platform/rest-routes.js';
import { createSimulator, type Simulator } from '../../src/platform/simulator/simulator.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { routesListener, serve, type TestServer } from './http-server.js';
import { emitted } from './support.js';

const TOKEN = 'operations-token-7c1d';
const docs = readFileSync(new URL('../../docs/platform-api.md', import.meta.url), 'utf8');

describe('the recovery operations (src/platform/operations/)', () => {
  it.each(Object.keys(OPERATIONS) as OperationName[])('%s is documented in docs/platform-api.md with its route', (name) => {
    const spec = OPERATIONS[name];
    expect(docs).toContain(`### \`POST /platform/${spec.collection}/:id/${spec.verb}\``);
  });
});

/** The HTTP client against the REST routes serving the simulator: what a real platform would be sent and answer. */
describe.each(oneDatabaseKind())('a recovery operation over HTTP (%s)', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;
  let server: TestServer;
  const events = emitted();
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    sim = await createSimulator({ database, emit: events.emit });
    server = await serve(routesListener(platformRoutes(sim, { token: TOKEN })));
    await sim.applyEvents([
      { id: 'ctx-1', type: 'context.usage', source: 'test', occurredAt: new Date().toISOString(), attributes: { agent: 'research-agent', usedTokens: 120_000, windowTokens: 128_000 }, known: true, eventKey: 'ctx-1' } as never,
    ]);
  });
  afterAll(async () => {
    sim?.close();
    await server?.close();
    await database?.drop();
  });

  it('compacts once per Idempotency-Key: a repeat is answered from the record, a new key finds nothing more to free', async () => {
    const platform = createHttpPlatform({ baseUrl: server.url, token: TOKEN });
    const first = await platform.perform('compactContext', 'research-agent', {}, { idempotencyKey: 'triage-action-compact-1' });
    expect(first).toEqual({ ok: true, value: { agent: 'research-agent', usedTokens: 32_000, windowTokens: 128_000, freedTokens: 88_000 } });
    const repeat = await platform.perform('compactContext', 'research-agent', {}, { idempotencyKey: 'triage-action-compact-1' });
    expect(repeat).toEqual(first);
    const again = await platform.perform('compactContext', 'research-agent', {}, { idempotencyKey: 'triage-action-compact-2' });
    expect(again.ok && again.value.freedTokens).toBe(0);
  });

  it('answers 404 for an agent nobody reported, and 400 for a body the operation does not take', async () => {
    const platform = createHttpPlatform({ baseUrl: server.url, token: TOKEN });
    const unknown = await platform.perform('compactContext', 'nobody', {}, { idempotencyKey: 'triage-action-compact-3' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringContaining('no context usage is known for agent nobody') } });
    const res = await fetch(`${server.url}/platform/agents/research-agent/compact`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'idempotency-key': 'triage-action-compact-4' },
      body: JSON.stringify({ keep: 'everything' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_input');
  });
});
