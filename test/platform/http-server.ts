import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRouter, type Route } from '../../src/http/router.js';
import { sendError } from '../../src/http/respond.js';

export type TestServer = { url: string; requests: number; close(): Promise<void> };

/** A real HTTP server on 127.0.0.1 and a free port; `requests` counts what reached it. */
export async function serve(listener: RequestListener): Promise<TestServer> {
  const state = { requests: 0 };
  const server = createServer((req, res) => {
    state.requests++;
    listener(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What the real HTTP server does with a route list: match, 404 or 405, then the handler. */
export function routesListener(routes: Route[]): RequestListener {
  const router = createRouter(routes);
  return (req: IncomingMessage, res: ServerResponse) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const match = router.match(req.method ?? 'GET', pathname);
    if (!match) return sendError(res, 404, 'not_found', `no route for ${pathname}`);
    if ('allowed' in match) return sendError(res, 405, 'method_not_allowed', `use ${match.allowed.join(', ')}`);
    if ('malformed' in match) return sendError(res, 400, 'bad_path', match.malformed);
    void match.handler(req, res, match.params);
  };
}
