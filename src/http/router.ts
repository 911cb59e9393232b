import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A tiny router over node:http: the intake's hot path needs no framework, and every module
 * (intake, platform simulator, later Slack and the console) contributes a list of routes.
 */
export type RouteParams = Record<string, string>;
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, params: RouteParams) => Promise<void> | void;
export type Route = { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; path: string; handler: RouteHandler };

type Compiled = Route & { pattern: RegExp; keys: string[] };

/** `/platform/runtimes/:id/restart` → a regexp with named segments. */
function compile(route: Route): Compiled {
  const keys: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      keys.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { ...route, pattern: new RegExp(`^${source}/?$`), keys };
}

export type Match =
  | { handler: RouteHandler; params: RouteParams; route: string }
  | { allowed: string[] }
  /** A path segment that is not valid percent-encoding (`/incidents/%FF/…`) or holds a NUL (`%00`): a 400, not a crash. */
  | { malformed: string }
  | null;

/** The decoded segment; undefined when it is not valid percent-encoding or decodes to a NUL (`%00`), which no id holds and PostgreSQL cannot store. */
function decodeSegment(segment: string): string | undefined {
  try {
    const decoded = decodeURIComponent(segment);
    return decoded.includes('\u0000') ? undefined : decoded;
  } catch {
    return undefined;
  }
}

export function createRouter(routes: Route[]) {
  const compiled = routes.map(compile);
  // Paths without parameters are looked up, not scanned: Slack's events and the intake, the hot
  // paths, sit behind thirty-odd patterns otherwise.
  const exact = new Map<string, Route>();
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    if (!route.path.includes(':') && !exact.has(key)) exact.set(key, route);
  }
  return {
    /** The handler for method+path; `{ allowed }` when the path exists under other methods (405). HEAD is answered as GET (node:http sends no body). */
    match(requested: string, pathname: string): Match {
      const method = requested === 'HEAD' ? 'GET' : requested;
      const hit = exact.get(`${method} ${pathname}`);
      if (hit) return { handler: hit.handler, params: {}, route: hit.path };
      const allowed: string[] = [];
      for (const route of compiled) {
        const m = route.pattern.exec(pathname);
        if (!m) continue;
        if (route.method !== method) {
          allowed.push(route.method);
          continue;
        }
        const params: RouteParams = {};
        for (const [i, key] of route.keys.entries()) {
          const value = decodeSegment(m[i + 1] ?? '');
          if (value === undefined) return { malformed: `the path segment "${m[i + 1]}" is not valid percent-encoding (UTF-8 without NUL)` };
          params[key] = value;
        }
        return { handler: route.handler, params, route: route.path };
      }
      return allowed.length ? { allowed } : null;
    },
  };
}
