import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Route, RouteParams } from '../http/router.js';
import type { IngestAuth } from '../intake/ingest-token.js';
import { readBody, sendError, sendJson } from '../http/respond.js';
import type { Result } from '../result.js';
import type { Platform, PlatformError, PlatformErrorCode } from './port.js';

/**
 * The Platform port over REST (docs/platform-api.md): the simulator served to other processes,
 * and the contract a real platform implements for `createHttpPlatform`. Request bodies are the
 * schemas below; responses are the port's own shapes, lists wrapped as `{ items }`.
 */
export const CancelLoopBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export type CancelLoopBody = z.infer<typeof CancelLoopBody>;
export const BudgetOverrideBody = z.strictObject({ amountUsd: z.number().positive() });
export type BudgetOverrideBody = z.infer<typeof BudgetOverrideBody>;
export const RetryTaskBody = z.strictObject({ timeoutSeconds: z.number().int().positive().max(86_400).optional() });
export type RetryTaskBody = z.infer<typeof RetryTaskBody>;
export const SkipTaskBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export type SkipTaskBody = z.infer<typeof SkipTaskBody>;
export const RestartWorkerBody = z.strictObject({ force: z.boolean().optional() });
export type RestartWorkerBody = z.infer<typeof RestartWorkerBody>;
const NoBody = z.strictObject({});

export const ERROR_STATUS: Record<PlatformErrorCode, number> = {
  not_found: 404,
  invalid_state: 409,
  invalid_input: 400,
  unavailable: 503,
  timeout: 504,
};

const MAX_BODY_BYTES = 16 * 1024;

type Answer = Promise<Result<unknown, PlatformError>>;

/** `auth`, when given, stands in for `token`: the embedded simulator takes the ingest token, previous one included. */
export function platformRoutes(platform: Platform, options: { token?: string; auth?: IngestAuth }): Route[] {
  const guard = authGuard(options.token, options.auth);
  const read = (path: string, list: () => Answer): Route => ({
    method: 'GET',
    path: `/platform/${path}`,
    handler: guard(async (_req, res) => answer(res, await list(), (items) => ({ items }))),
  });
  const act = <B extends z.ZodType>(path: string, body: B, run: (id: string, body: z.infer<B>) => Answer): Route => ({
    method: 'POST',
    path: `/platform/${path}`,
    handler: guard(async (req, res, params) => {
      const parsed = await readActionBody(req, body);
      if (!parsed.ok) return sendError(res, parsed.status, parsed.code, parsed.message);
      answer(res, await run(params.id ?? '', parsed.value), (value) => value);
    }),
  });

  return [
    read('employees', () => platform.listEmployees()),
    read('runtimes', () => platform.listRuntimes()),
    read('loops', () => platform.listLoops()),
    read('routines', () => platform.listRoutines()),
    read('mcp-servers', () => platform.listMcpServers()),
    read('providers', () => platform.listProviders()),
    read('workers', () => platform.listWorkers()),
    read('tasks', () => platform.listTasks()),
    read('workstreams', () => platform.listWorkstreams()),
    read('breakers', () => platform.listBreakers()),
    act('runtimes/:id/restart', NoBody, (id) => platform.restartRuntime(id)),
    act('loops/:id/cancel', CancelLoopBody, (id, b) => platform.cancelLoop(id, b.reason)),
    act('routines/:id/budget-override', BudgetOverrideBody, (id, b) => platform.grantBudgetOverride(id, b.amountUsd)),
    act('mcp-servers/:id/restart', NoBody, (id) => platform.restartMcpServer(id)),
    act('breakers/:id/reset', NoBody, (id) => platform.resetCircuitBreaker(id)),
    act('tasks/:id/retry', RetryTaskBody, (id, b) => platform.retryTask(id, b)),
    act('tasks/:id/skip', SkipTaskBody, (id, b) => platform.skipTask(id, b.reason)),
    act('workers/:id/restart', RestartWorkerBody, (id, b) => platform.restartWorker(id, b)),
  ];
}

function answer<T>(res: ServerResponse, result: Result<T, PlatformError>, shape: (value: T) => unknown): void {
  if (result.ok) return sendJson(res, 200, shape(result.value));
  sendError(res, ERROR_STATUS[result.error.code] ?? 500, result.error.code, result.error.message);
}

type Handler = (req: IncomingMessage, res: ServerResponse, params: RouteParams) => Promise<void>;

/** Wraps every handler: the bearer check first, and one answer even when the platform throws. */
function authGuard(token: string | undefined, auth?: IngestAuth) {
  const expected = token ? digest(token) : null;
  /** Why the request is refused, or null to let it in. */
  const refusal = (header: string | undefined): string | null => {
    if (auth) {
      const checked = auth(header);
      return checked.ok ? null : checked.reason;
    }
    return expected && !bearerMatches(header, expected) ? 'send Authorization: Bearer <token> with the platform API token' : null;
  };
  return (handler: Handler): Handler =>
    async (req, res, params) => {
      const refused = refusal(req.headers.authorization);
      if (refused !== null) {
        req.resume();
        const body = { error: { code: 'unauthorized', message: refused } };
        return sendJson(res, 401, body, { 'www-authenticate': 'Bearer realm="platform"' });
      }
      try {
        await handler(req, res, params);
      } catch {
        // Platform implementations return results; a throw is a bug, and its text may hold internals.
        if (!res.headersSent) sendError(res, 500, 'internal_error', 'the platform failed unexpectedly; see its logs');
      }
    };
}

/** Hashing both sides first gives equal lengths, so the comparison time says nothing about the token. */
const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return timingSafeEqual(digest(match?.[1] ?? ''), expected) && Boolean(match);
}

type BodyOutcome<T> = { ok: true; value: T } | { ok: false; status: number; code: string; message: string };

/** An empty body is `{}`, so body-less actions need no content-type; anything sent must be JSON. */
async function readActionBody<B extends z.ZodType>(req: IncomingMessage, schema: B): Promise<BodyOutcome<z.infer<B>>> {
  const body = await readBody(req, MAX_BODY_BYTES);
  if (!body.ok) return body;
  let raw: unknown = {};
  if (body.body.length) {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      return { ok: false, status: 415, code: 'unsupported_media_type', message: `expected application/json; found ${type || 'none'}` };
    }
    try {
      raw = JSON.parse(body.body.toString('utf8'));
    } catch (e) {
      return { ok: false, status: 400, code: 'invalid_input', message: `request body is not valid JSON: ${(e as Error).message}` };
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, status: 400, code: 'invalid_input', message: z.prettifyError(parsed.error) };
  return { ok: true, value: parsed.data };
}
