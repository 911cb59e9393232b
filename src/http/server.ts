import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import { sendError } from './respond.js';
import { createRouter, type Route } from './router.js';

export type HttpServer = {
  server: Server;
  listen(port: number, host: string): Promise<{ url: string; port: number }>;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes sockets. */
  close(graceMs: number): Promise<void>;
};

/** The one HTTP server: every module contributes routes; this owns the error boundary. */
export function createHttpServer(routes: Route[], deps: { metrics: Metrics; logger: Logger }): HttpServer {
  const router = createRouter(routes);
  let inFlight = 0;
  let idle: (() => void) | null = null;

  const observe = requestObserver(deps.metrics);

  const server = createServer(async (req, res) => {
    const started = performance.now();
    const pathname = pathnameOf(req.url);
    const match = pathname === undefined ? ({ malformed: 'the request target is not a valid URL path' } as const) : router.match(req.method ?? 'GET', pathname);
    // The route template, not the path: ids in paths would explode the metric's cardinality.
    const routeLabel = match && 'handler' in match ? match.route : 'unmatched';
    inFlight++;
    res.on('finish', () => observe(req.method ?? '', routeLabel, res.statusCode, (performance.now() - started) / 1000));
    res.on('close', () => {
      inFlight--;
      if (inFlight === 0) idle?.();
    });
    try {
      if (!match) {
        req.resume();
        return sendError(res, 404, 'not_found', `no route for ${req.method} ${pathname}`);
      }
      if ('malformed' in match) {
        req.resume();
        return sendError(res, 400, 'bad_path', match.malformed);
      }
      if (!('handler' in match)) {
        req.resume();
        res.setHeader('allow', match.allowed.join(', '));
        return sendError(res, 405, 'method_not_allowed', `${req.method} is not allowed here; use ${match.allowed.join(' or ')}`);
      }
      await match.handler(req, res, match.params);
    } catch (error) {
      deps.logger.error({ err: error, method: req.method, path: pathname }, 'request failed');
      if (!res.headersSent) sendError(res, 500, 'internal_error', 'Triage failed to handle this request; it has been logged');
      else res.destroy();
    }
  });
  server.keepAliveTimeout = 5_000;
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          const actual = typeof address === 'object' && address ? address.port : port;
          const shownHost = host.includes(':') ? `[${host}]` : host;
          resolve({ url: `http://${shownHost}:${actual}`, port: actual });
        });
      }),
    close: async (graceMs) => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (idle = resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
        ]);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * The request target's path. Every request pays for this, Slack's acks included, so a plain
 * origin-form target (`/slack/events`, `/events?x=1`) is cut at its query; anything a URL parser
 * would change (escapes, spaces, dot segments, backslashes, absolute form) goes through URL.
 */
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;

export function pathnameOf(target: string | undefined): string | undefined {
  if (!target) return '/';
  const end = target.search(/[?#]/);
  const path = end === -1 ? target : target.slice(0, end);
  if (PLAIN_PATH.test(path) && !path.includes('/.') && !path.includes('//')) return path;
  try {
    return new URL(target, 'http://triage.local').pathname;
  } catch {
    return undefined;
  }
}

/** Request-duration observations through one cached child per label set (prom-client hashes labels per call otherwise). */
function requestObserver(metrics: Metrics) {
  const children = new Map<string, { observe(seconds: number): void }>();
  return (method: string, route: string, status: number, seconds: number) => {
    const key = `${method} ${status} ${route}`;
    let child = children.get(key);
    if (!child) children.set(key, (child = metrics.requestSeconds.labels(method, route, String(status))));
    child.observe(seconds);
  };
}
