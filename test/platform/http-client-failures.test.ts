import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpPlatform } from '../../src/platform/http-client.js';
import { serve, type TestServer } from './http-server.js';
import { errorOf, newKey, value } from './support.js';

/** A foreign platform misbehaving in the ways real ones do; each answer is plain node:http. */
const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};
const worker = { id: 'worker-001', status: 'healthy', lastHeartbeatAt: null };

describe('HTTP platform client against a misbehaving platform', () => {
  const servers: TestServer[] = [];
  const start = async (...args: Parameters<typeof serve>) => {
    const server = await serve(...args);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('gives up on a server that never answers, with a timeout error, for reads and actions', async () => {
    const server = await start(() => {});
    // Counted at the client: under load an aborted attempt may never reach the server's handler.
    let attempts = 0;
    const counting: typeof fetch = (input, init) => {
      attempts++;
      return fetch(input, init);
    };
    const client = createHttpPlatform({ baseUrl: server.url, timeoutMs: 150, readAttempts: 2, backoffBaseMs: 1, fetch: counting });
    const began = Date.now();
    const read = errorOf(await client.listRuntimes());
    expect(read.code).toBe('timeout');
    expect(read.message).toMatch(/150 ms/);
    expect(attempts).toBe(2);
    expect(Date.now() - began).toBeLessThan(3_000);

    expect(errorOf(await client.restartRuntime('bash-runtime-mike', newKey())).code).toBe('timeout');
    expect(attempts).toBe(3);
  });

  it('treats a malformed answer as unavailable instead of trusting or throwing', async () => {
    const bodies: unknown[] = [{ items: [{ id: 7, status: 'fine' }] }, '<html>gateway</html>', { runtimes: [] }];
    const server = await start((_req, res) => json(res, 200, bodies.shift()));
    const client = createHttpPlatform({ baseUrl: server.url });
    for (let i = 0; i < 3; i++) {
      const error = errorOf(await client.listRuntimes());
      expect(error.code).toBe('unavailable');
      expect(error.message).toMatch(/unexpected response/);
    }
    expect(server.requests).toBe(3);
  });

  it('retries a read through transient 503s, but sends an action only once', async () => {
    let calls = 0;
    const server = await start((_req, res) =>
      ++calls < 3 ? json(res, 503, { error: { code: 'unavailable', message: 'warming up' } }) : json(res, 200, { items: [worker] }),
    );
    const client = createHttpPlatform({ baseUrl: server.url, backoffBaseMs: 1 });
    expect(value(await client.listWorkers())).toEqual([worker]);
    expect(server.requests).toBe(3);

    calls = 0;
    const action = errorOf(await client.restartWorker('worker-001', {}, newKey()));
    expect(action).toEqual({ code: 'unavailable', message: 'warming up' });
    expect(server.requests).toBe(4);
  });

  it('stops retrying reads after the bounded number of attempts', async () => {
    const server = await start((_req, res) => json(res, 502, 'bad gateway'));
    const client = createHttpPlatform({ baseUrl: server.url, readAttempts: 3, backoffBaseMs: 1 });
    const error = errorOf(await client.listTasks());
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/HTTP 502/);
    expect(server.requests).toBe(3);
  });

  it('maps statuses without a documented body to codes', async () => {
    const statuses = [404, 409, 422, 504, 500];
    const server = await start((_req, res) => json(res, statuses.shift()!, 'nope'));
    const client = createHttpPlatform({ baseUrl: server.url, readAttempts: 1 });
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push(errorOf(await client.skipTask('t', 'r', newKey())).code);
    expect(codes).toEqual(['not_found', 'invalid_state', 'invalid_input', 'timeout', 'unavailable']);
  });

  it('never repeats the token, even when the server echoes it back', async () => {
    const token = 's3cret-platform-token';
    const server = await start((req, res) =>
      json(res, 400, { error: { code: 'invalid_input', message: `bad request, you sent ${req.headers.authorization}` } }),
    );
    const client = createHttpPlatform({ baseUrl: server.url, token });
    const error = errorOf(await client.cancelLoop('loop-1', 'stuck', newKey()));
    expect(error.code).toBe('invalid_input');
    expect(error.message).not.toContain(token);
    expect(error.message).toContain('[redacted]');
  });

  it('takes a 2xx to an action whose body it cannot read as done with a warning, and never sends it again', async () => {
    const bodies: unknown[] = ['<html>ok</html>', { worker: { id: 'worker-001' } }];
    const server = await start((_req, res) => json(res, 200, bodies.shift()));
    const client = createHttpPlatform({ baseUrl: server.url });
    for (let i = 0; i < 2; i++) {
      const error = errorOf(await client.restartWorker('worker-001', {}, newKey()));
      expect(error.code).toBe('unconfirmed');
      expect(error.message).toMatch(/accepted the request \(HTTP 200\) but its answer could not be read/);
    }
    expect(server.requests).toBe(2);
  });

  it('reports refused credentials as unauthorized: nothing was done, and trying again will not help', async () => {
    const statuses = [401, 403];
    const server = await start((_req, res) => json(res, statuses.shift()!, 'no'));
    const client = createHttpPlatform({ baseUrl: server.url, token: 'stale-token-1' });
    for (let i = 0; i < 2; i++) {
      const error = errorOf(await client.cancelLoop('loop-1', 'stuck', newKey()));
      expect(error.code).toBe('unauthorized');
      expect(error.message).toMatch(/refused Triage's credentials \(HTTP 40[13]\); check PLATFORM_TOKEN/);
      expect(error.message).not.toContain('stale-token-1');
    }
    expect(server.requests).toBe(2);
  });

  it('reports a platform that is not listening as unreachable: nothing was sent', async () => {
    const server = await start(() => {});
    const url = server.url;
    await server.close();
    servers.length = 0;
    const client = createHttpPlatform({ baseUrl: `${url}/`, readAttempts: 2, backoffBaseMs: 1, token: 'abc-token' });
    const error = errorOf(await client.listProviders());
    expect(error.code).toBe('unreachable');
    expect(error.message).toMatch(/could not be reached, so nothing was sent: ECONNREFUSED/);
    expect(error.message).not.toContain('abc-token');
  });

  it('sends the bearer token and JSON bodies the API documents', async () => {
    const seen: Array<{ method?: string; url?: string; auth?: string; key?: string | string[]; body: string }> = [];
    const server = await start((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, key: req.headers['idempotency-key'], body });
        json(res, 200, { worker, reassignedTaskIds: [] });
      });
    });
    const client = createHttpPlatform({ baseUrl: `${server.url}/`, token: 'tok' });
    value(await client.restartWorker('worker 1/a', { force: true }, { idempotencyKey: 'triage-action-42' }));
    expect(seen).toEqual([{ method: 'POST', url: '/platform/workers/worker%201%2Fa/restart', auth: 'Bearer tok', key: 'triage-action-42', body: '{"force":true}' }]);
  });
});
