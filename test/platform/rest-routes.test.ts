import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformRoutes } from '../../src/platform/rest-routes.js';
import { createSimulator, type Simulator } from '../../src/platform/simulator/simulator.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { routesListener, serve, type TestServer } from './http-server.js';
import { emitted, stored } from './support.js';

const TOKEN = 'rest-token-51b2';

/** The wire contract of docs/platform-api.md, checked with plain fetch as a foreign client would. */
describe.each(databaseKinds())('platform REST API (%s)', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;
  let secured: TestServer;
  let open: TestServer;

  const call = (server: TestServer, method: string, path: string, init: { body?: string; type?: string; auth?: string } = {}) =>
    fetch(`${server.url}${path}`, {
      method,
      body: init.body,
      headers: {
        ...(init.type ? { 'content-type': init.type } : init.body ? { 'content-type': 'application/json' } : {}),
        ...(init.auth === undefined ? { authorization: `Bearer ${TOKEN}` } : init.auth ? { authorization: init.auth } : {}),
      },
    });

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    sim = await createSimulator({ database, emit: emitted().emit, restartHeartbeatDelayMs: 20 });
    secured = await serve(routesListener(platformRoutes(sim, { token: TOKEN })));
    open = await serve(routesListener(platformRoutes(sim, {})));
  });
  afterAll(async () => {
    sim?.close();
    await Promise.all([secured?.close(), open?.close()]);
    await database?.drop();
  });

  it('serves lists as { items } with the right token, and refuses anything else with 401', async () => {
    const ok = await call(secured, 'GET', '/platform/mcp-servers');
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { items: Array<{ id: string }> };
    expect(body.items.map((s) => s.id)).toEqual(['database-query', 'filesystem', 'github']);

    for (const auth of ['', 'Bearer wrong', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, TOKEN]) {
      const refused = await call(secured, 'POST', '/platform/runtimes/bash-runtime-mike/restart', { auth });
      expect(refused.status, auth).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    const runtimes = (await (await call(open, 'GET', '/platform/runtimes', { auth: '' })).json()) as { items: Array<{ id: string; status: string }> };
    expect(runtimes.items.find((r) => r.id === 'bash-runtime-mike')?.status).toBe('connected');
  });

  it('answers expected failures with the documented status and error body', async () => {
    const missing = await call(secured, 'POST', '/platform/loops/loop-404/cancel', { body: '{"reason":"stuck"}' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'no agentic loop named loop-404' } });

    const finished = await call(secured, 'POST', '/platform/loops/loop-ticket-50/cancel', { body: '{"reason":"stuck"}' });
    expect(finished.status).toBe(409);
    expect(((await finished.json()) as { error: { code: string } }).error.code).toBe('invalid_state');

    const typo = await call(secured, 'POST', '/platform/routines/daily-code-review/budget-override', { body: '{"amount":5}' });
    expect(typo.status).toBe(400);
    const typoBody = (await typo.json()) as { error: { code: string; message: string } };
    expect(typoBody.error.code).toBe('invalid_input');
    expect(typoBody.error.message).toMatch(/amountUsd/);

    const notJson = await call(secured, 'POST', '/platform/tasks/task-003/skip', { body: '{reason', type: 'application/json' });
    expect(notJson.status).toBe(400);
    const text = await call(secured, 'POST', '/platform/tasks/task-003/skip', { body: 'reason=x', type: 'text/plain' });
    expect(text.status).toBe(415);
  });

  it('runs a body-less action without a content type, and a bodied one with JSON', async () => {
    const restart = await call(secured, 'POST', '/platform/mcp-servers/github/restart');
    expect(restart.status).toBe(200);
    expect(await restart.json()).toMatchObject({ id: 'github', status: 'healthy', poolInUse: 0 });

    await sim.applyEvents([stored('routine.paused', { routine: 'nightly-data-sync', reason: 'budget_exhausted' })]);
    const override = await call(secured, 'POST', '/platform/routines/nightly-data-sync/budget-override', { body: '{"amountUsd":2.5}' });
    expect(override.status).toBe(200);
    expect(await override.json()).toMatchObject({ id: 'nightly-data-sync', status: 'active', budgetLimitUsd: 5.5 });
  });
});
