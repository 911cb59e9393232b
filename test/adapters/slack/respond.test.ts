import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createResponder, RespondFailed, type Responder } from '../../../adapters/slack/respond.js';
import { freePort } from '../../support/process.js';

/**
 * The response_url client against a real HTTP server standing in for Slack's hooks endpoint:
 * what it posts, when it tries again (only when Slack cannot have taken the message) and that
 * nothing it says leaks the URL, which is a capability to post into the channel.
 */
type Received = { body: Record<string, unknown>; contentType: string | undefined };
const SECRET_PATH = '/commands/T0TEAM/123/s3cr3tCapabilityToken';

async function hooks(answer: (n: number, req: IncomingMessage, res: ServerResponse) => void) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      received.push({ body: JSON.parse(text) as Record<string, unknown>, contentType: req.headers['content-type'] });
      answer(received.length, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${port}${SECRET_PATH}`, received };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function responder(options: Parameters<typeof createResponder>[0] = {}) {
  const sleeps: number[] = [];
  const r: Responder = createResponder({ sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, ...options });
  cleanups.push(() => r.close());
  return { r, sleeps };
}

async function failure(promise: Promise<unknown>): Promise<RespondFailed> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RespondFailed);
  return error as RespondFailed;
}

describe('Slack response_url client', () => {
  it('posts the message as JSON, once, and resolves on Slack\'s "ok"', async () => {
    const far = await hooks((_, __, res) => res.end('ok'));
    const { r } = responder();
    await r.to(far.url)({ response_type: 'ephemeral', replace_original: false, text: 'Dismissed.' });
    expect(far.received).toEqual([{ body: { response_type: 'ephemeral', replace_original: false, text: 'Dismissed.' }, contentType: 'application/json; charset=utf-8' }]);
  });

  it('an expired response_url is a failure naming Slack\'s reason, never the URL, and is not retried', async () => {
    const far = await hooks((_, __, res) => res.writeHead(404).end('expired_url'));
    const { r } = responder();
    const error = await failure(r.to(far.url)({ text: 'late' }));
    expect(error.message).toContain('404 expired_url');
    expect(error.status).toBe(404);
    expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain('s3cr3tCapabilityToken');
    expect(far.received).toHaveLength(1);
  });

  it('a 200 whose JSON says ok:false is a failure with its error', async () => {
    const far = await hooks((_, __, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":false,"error":"no_text"}'));
    const { r } = responder();
    expect((await failure(r.to(far.url)({ text: '' }))).message).toContain('200 no_text');
  });

  it('a 429 is tried again after Retry-After (capped) and then delivered once', async () => {
    const far = await hooks((n, _, res) => (n === 1 ? res.writeHead(429, { 'retry-after': '2' }).end('rate_limited') : res.end('ok')));
    const { r, sleeps } = responder();
    await r.to(far.url)({ text: 'hello' });
    expect(far.received).toHaveLength(2);
    expect(sleeps).toEqual([2_000]);
  });

  it('a 429 that never lifts stops after the bounded tries, with jittered, growing waits', async () => {
    const far = await hooks((_, __, res) => res.writeHead(429).end('rate_limited'));
    const { r, sleeps } = responder({ attempts: 3, baseDelayMs: 100, maxDelayMs: 150 });
    expect((await failure(r.to(far.url)({ text: 'hello' }))).status).toBe(429);
    expect(far.received).toHaveLength(3);
    // random() is 0.5: half of min(max, base * 2^n).
    expect(sleeps).toEqual([50, 75]);
  });

  it('a 500 is not retried: Slack may have posted the message already', async () => {
    const far = await hooks((_, __, res) => res.writeHead(500).end('oops'));
    const { r, sleeps } = responder();
    expect((await failure(r.to(far.url)({ text: 'once' }))).status).toBe(500);
    expect(far.received).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('a response_url that never answers fails at the timeout and is not retried', async () => {
    const far = await hooks(() => {});
    const { r } = responder({ timeoutMs: 200 });
    const started = performance.now();
    const error = await failure(r.to(far.url)({ text: 'hung' }));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(error.message).toContain('no answer within 200 ms');
    expect(far.received).toHaveLength(1);
  });

  it('a refused connection (nothing was sent) is tried again up to the bound', async () => {
    const port = await freePort();
    const { r, sleeps } = responder({ attempts: 3 });
    const error = await failure(r.to(`http://127.0.0.1:${port}${SECRET_PATH}`)({ text: 'nobody home' }));
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain('s3cr3tCapabilityToken');
    expect(sleeps).toHaveLength(2);
  });

  it('keeps the connection alive between answers, and a request without a response_url fails clearly', async () => {
    const ports = new Set<number>();
    const far = await hooks((_, req, res) => {
      ports.add(req.socket.remotePort!);
      res.end('ok');
    });
    const { r } = responder();
    for (let i = 0; i < 5; i++) await r.to(far.url)({ text: `answer ${i}` });
    expect(far.received).toHaveLength(5);
    expect(ports.size).toBe(1);
    expect((await failure(r.to(undefined)({ text: 'x' }))).message).toContain('no response_url');
  });
});
