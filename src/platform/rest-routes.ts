import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Route, RouteParams } from '../http/router.js';
import type { IngestAuth } from '../intake/ingest-token.js';
import { readBody, sendError, sendJson } from '../http/respond.js';
import { UNSTORABLE_REASON, unstorableInJson } from '../http/storable-text.js';
import type { Result } from '../result.js';
import { OPERATIONS, type OperationName } from './operations/index.js';
import { IDEMPOTENCY_KEY, type ActionCall, type Platform, type PlatformError, type PlatformErrorCode } from './port.js';

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

export const ERROR_STATUS: Record<PlatformError['code'], number> = {
  not_found: 404,
  invalid_state: 409,
  invalid_input: 400,
  unavailable: 503,
  timeout: 504,
  // What a platform served here hears from a platform of its own (a relay): passed on as a gateway error.
  unreachable: 502,
  unauthorized: 502,
  unconfirmed: 502,
};
/** The codes a caller may rely on in an error body; the rest become `unavailable` on the wire. */
const WIRE_CODE = (code: PlatformError['code']): PlatformErrorCode => (code === 'unreachable' || code === 'unauthorized' || code === 'unconfirmed' ? 'unavailable' : code);

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
  const act = <B extends z.ZodType>(path: string, body: B, run: (id: string, body: z.infer<B>, call: ActionCall) => Answer): Route => ({
    method: 'POST',
    path: `/platform/${path}`,
    handler: guard(async (req, res, params) => {
      const key = idempotencyKeyOf(req);
      if (!key.ok) {
        req.resume();
        return sendError(res, 400, 'invalid_input', key.message);
      }
      const parsed = await readActionBody(req, body);
      if (!parsed.ok) return sendError(res, parsed.status, parsed.code, parsed.message);
      answer(res, await run(params.id ?? '', parsed.value, key.call), (value) => value);
    }),
  });

  return [
    { method: 'GET', path: '/platform/capabilities', handler: guard(async (_req, res) => answer(res, await platform.capabilities(), (value) => value)) },
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
    act('runtimes/:id/restart', NoBody, (id, _b, call) => platform.restartRuntime(id, call)),
    act('loops/:id/cancel', CancelLoopBody, (id, b, call) => platform.cancelLoop(id, b.reason, call)),
    act('routines/:id/budget-override', BudgetOverrideBody, (id, b, call) => platform.grantBudgetOverride(id, b.amountUsd, call)),
    act('mcp-servers/:id/restart', NoBody, (id, _b, call) => platform.restartMcpServer(id, call)),
    act('breakers/:id/reset', NoBody, (id, _b, call) => platform.resetCircuitBreaker(id, call)),
    act('tasks/:id/retry', RetryTaskBody, (id, b, call) => platform.retryTask(id, b, call)),
    act('tasks/:id/skip', SkipTaskBody, (id, b, call) => platform.skipTask(id, b.reason, call)),
    act('workers/:id/restart', RestartWorkerBody, (id, b, call) => platform.restartWorker(id, b, call)),
    act('workstreams/:id/rollback', NoBody, (id, _b, call) => platform.rollbackWorkstream(id, call)),
    ...(Object.keys(OPERATIONS) as OperationName[]).map((name) => {
      const spec = OPERATIONS[name];
      return act(`${spec.collection}/:id/${spec.verb}`, spec.body, (id, body, call) => platform.perform(name, id, body as never, call));
    }),
  ];
}

function answer<T>(res: ServerResponse, result: Result<T, PlatformError>, shape: (value: T) => unknown): void {
  if (result.ok) return sendJson(res, 200, shape(result.value));
  sendError(res, ERROR_STATUS[result.error.code] ?? 500, WIRE_CODE(result.error.code), result.error.message);
}

type KeyOutcome = { ok: true; call: ActionCall } | { ok: false; message: string };

/**
 * The Idempotency-Key header (docs/platform-api.md, "Idempotency"). A request without one still
 * acts, as it did before keys existed, under a key of its own that nothing can repeat.
 */
function idempotencyKeyOf(req: IncomingMessage): KeyOutcome {
  const header = req.headers['idempotency-key'];
  if (header === undefined) return { ok: true, call: { idempotencyKey: `unkeyed-${randomUUID()}` } };
  const parsed = IDEMPOTENCY_KEY.safeParse(header);
  if (parsed.success) return { ok: true, call: { idempotencyKey: parsed.data } };
  return { ok: false, message: `the Idempotency-Key header must be ${parsed.error.issues[0]?.message ?? 'one key'}` };
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
    const text = body.body.toString('utf8');
    try {
      raw = JSON.parse(text);
    } catch (e) {
      return { ok: false, status: 400, code: 'invalid_input', message: `request body is not valid JSON: ${(e as Error).message}` };
    }
    const unstorable = unstorableInJson(text, raw);
    if (unstorable) return { ok: false, status: 400, code: 'invalid_input', message: `${unstorable} ${UNSTORABLE_REASON}` };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, status: 400, code: 'invalid_input', message: z.prettifyError(parsed.error) };
  return { ok: true, value: parsed.data };
}
