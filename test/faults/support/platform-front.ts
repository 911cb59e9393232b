import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { platformRoutes } from '../../../src/platform/rest-routes.js';
import type { Simulator } from '../../../src/platform/simulator/simulator.js';
import { routesListener } from '../../platform/http-server.js';

/**
 * How the platform behaves, as Triage sees it:
 * - `up`: every request reaches the simulator and its answer comes back at once;
 * - `down`: nothing listens on the port (connection refused);
 * - `slow`: the request reaches the simulator at once (an action is carried out), but its answer is
 *   held for `slowMs`, past Triage's deadline;
 * - `error`: 503 `unavailable` to everything; nothing reaches the simulator.
 */
export type PlatformMode = 'up' | 'down' | 'slow' | 'error';

/** One request as the front saw it. */
export type FrontRequest = { at: number; mode: PlatformMode; method: string; path: string; key: string | null; reachedSimulator: boolean };

export type PlatformFront = {
  url: string;
  requests: FrontRequest[];
  set(mode: PlatformMode): Promise<void>;
  close(): Promise<void>;
};

/**
 * The simulator's REST routes (src/platform/rest-routes.ts) served on one loopback server, and a
 * front on another that Triage is pointed at, switchable between the modes above. The front counts
 * what arrives, by Idempotency-Key, so a test can prove an action was never sent twice.
 */
export async function startPlatformFront(simulator: Simulator, options: { token: string; slowMs: number }): Promise<PlatformFront> {
  const inner = createServer(routesListener(platformRoutes(simulator, { token: options.token })));
  await listen(inner, 0);
  const innerPort = (inner.address() as AddressInfo).port;
  const requests: FrontRequest[] = [];
  let mode: PlatformMode = 'up';
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, body: Buffer, answer: (status: number, headers: Record<string, string>, text: Buffer) => void) => {
    const headers = { ...req.headers, host: `127.0.0.1:${innerPort}` };
    const out = httpRequest({ host: '127.0.0.1', port: innerPort, method: req.method, path: req.url, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => answer(res.statusCode ?? 502, { 'content-type': String(res.headers['content-type'] ?? 'application/json') }, Buffer.concat(chunks)));
    });
    out.on('error', () => answer(502, { 'content-type': 'application/json' }, Buffer.from('{"error":{"code":"unavailable","message":"front could not reach the simulator"}}')));
    out.end(body);
  };

  const front = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen: FrontRequest = {
        at: Date.now(),
        mode,
        method: req.method ?? '',
        path: new URL(req.url ?? '/', 'http://front').pathname,
        key: typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null,
        reachedSimulator: mode === 'up' || mode === 'slow',
      };
      requests.push(seen);
      const send = (status: number, headers: Record<string, string>, text: Buffer) => {
        if (!res.destroyed) res.writeHead(status, headers).end(text);
      };
      if (seen.mode === 'error') {
        return send(503, { 'content-type': 'application/json' }, Buffer.from('{"error":{"code":"unavailable","message":"the platform is overloaded (fault injected)"}}'));
      }
      const held = seen.mode === 'slow' ? options.slowMs : 0;
      forward(req, Buffer.concat(chunks), (status, headers, text) => {
        if (held) setTimeout(() => send(status, headers, text), held).unref();
        else send(status, headers, text);
      });
    });
  });
  front.keepAliveTimeout = 5_000;
  front.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await listen(front, 0);
  const port = (front.address() as AddressInfo).port;

  const stopListening = async () => {
    const closed = new Promise<void>((resolve) => front.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async set(next) {
      if (next === mode) return;
      if (mode === 'down') await listen(front, port);
      mode = next;
      // Down is a closed port: connections are refused, and the ones open are gone.
      if (next === 'down') await stopListening();
    },
    async close() {
      if (mode !== 'down') await stopListening();
      await new Promise<void>((resolve) => {
        inner.closeAllConnections();
        inner.close(() => resolve());
      });
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
