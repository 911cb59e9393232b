import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { fullJitterDelay } from '../resilience/backoff.js';
import { err, ok, type Result } from '../result.js';
import { OPERATIONS, operationPath } from './operations/index.js';
import {
  AgenticLoop,
  Capabilities,
  CircuitBreaker,
  Employee,
  McpServer,
  PlatformErrorCode,
  Provider,
  Routine,
  Runtime,
  Task,
  Worker,
  Workstream,
  WorkstreamRollback,
  type ActionCall,
  type Platform,
  type PlatformError,
  type PlatformResult,
} from './port.js';

export type HttpPlatformOptions = {
  baseUrl: string;
  token?: string;
  /** Per attempt, covering headers and body. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Attempts for reads; an action is sent once, and repeated only by src/platform/guarded.ts's rules. */
  readAttempts?: number;
  /** Full-jitter backoff between read attempts: random(0, min(cap, base·2^n)). */
  backoffBaseMs?: number;
};

const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
const BreakerReset = z.object({ id: z.string(), state: z.literal('closed') });
const WorkerRestart = z.object({ worker: Worker, reassignedTaskIds: z.array(z.string()) });
const items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

const BACKOFF_CAP_MS = 2_000;
const MAX_MESSAGE_CHARS = 500;
/** Connection failures before any byte of the request left: the platform cannot have received it. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/** Gateways and overloaded servers say so with these; anything else will not improve on a retry. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

type Attempt<T> = { result: Result<T, PlatformError>; retryable: boolean };

/** The Platform port over the REST API in docs/platform-api.md. Never throws: every failure is a result. */
export function createHttpPlatform(options: HttpPlatformOptions): Platform {
  const call = createCaller(options);
  const list = <T extends z.ZodType>(path: string, item: T) => async (): PlatformResult<z.infer<T>[]> => {
    const r = await call('GET', path, undefined, items(item));
    return r.ok ? ok(r.value.items) : r;
  };
  const at = (collection: string, id: string, verb: string) => `${collection}/${encodeURIComponent(id)}/${verb}`;

  return {
    // A platform without the route declares nothing: keys are sent, but not relied on.
    capabilities: async () => {
      const r = await call('GET', 'capabilities', undefined, Capabilities);
      return !r.ok && r.error.code === 'not_found' ? ok({ idempotencyKeys: false }) : r;
    },
    listEmployees: list('employees', Employee),
    listRuntimes: list('runtimes', Runtime),
    listLoops: list('loops', AgenticLoop),
    listRoutines: list('routines', Routine),
    listMcpServers: list('mcp-servers', McpServer),
    listProviders: list('providers', Provider),
    listWorkers: list('workers', Worker),
    listTasks: list('tasks', Task),
    listWorkstreams: list('workstreams', Workstream),
    listBreakers: list('breakers', CircuitBreaker),
    restartRuntime: (id, key) => call('POST', at('runtimes', id, 'restart'), {}, Runtime, key),
    cancelLoop: (id, reason, key) => call('POST', at('loops', id, 'cancel'), { reason }, AgenticLoop, key),
    grantBudgetOverride: (id, amountUsd, key) => call('POST', at('routines', id, 'budget-override'), { amountUsd }, Routine, key),
    restartMcpServer: (id, key) => call('POST', at('mcp-servers', id, 'restart'), {}, McpServer, key),
    resetCircuitBreaker: (id, key) => call('POST', at('breakers', id, 'reset'), {}, BreakerReset, key),
    retryTask: (id, opts, key) => call('POST', at('tasks', id, 'retry'), opts ?? {}, Task, key),
    skipTask: (id, reason, key) => call('POST', at('tasks', id, 'skip'), { reason }, Task, key),
    restartWorker: (id, opts, key) => call('POST', at('workers', id, 'restart'), opts ?? {}, WorkerRestart, key),
    rollbackWorkstream: (id, key) => call('POST', at('workstreams', id, 'rollback'), {}, WorkstreamRollback, key),
    // The answer's type follows the operation's name; the spec's schema checks it at run time.
    perform: (name, id, body, key) => call('POST', operationPath(name, id), body ?? {}, OPERATIONS[name].answer as z.ZodType, key) as never,
  };
}

function createCaller(options: HttpPlatformOptions) {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const readAttempts = Math.max(1, options.readAttempts ?? 3);
  // Sanitised here so a bad option can never turn into a throw in the middle of a call.
  const backoffBaseMs = Math.max(0, Number.isFinite(options.backoffBaseMs) ? options.backoffBaseMs! : 100);
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  // Messages name the server without any userinfo the URL may carry, and never the token.
  const shownBase = `${base.protocol}//${base.host}${base.pathname}`.replace(/\/$/, '');
  const redact = (text: string): string => (options.token ? text.split(options.token).join('[redacted]') : text);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;

  const once = async <T>(method: 'GET' | 'POST', path: string, body: unknown, schema: z.ZodType<T>, key?: ActionCall): Promise<Attempt<T>> => {
    const where = `${method} ${shownBase}/platform/${path}`;
    const sent: Record<string, string> = { ...headers };
    if (body !== undefined) sent['content-type'] = 'application/json';
    if (key) sent['idempotency-key'] = key.idempotencyKey;
    let response: Response;
    let text: string;
    try {
      response = await doFetch(new URL(`platform/${path}`, base), {
        method,
        headers: sent,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        // A redirect could carry the bearer token to a host nobody configured.
        redirect: 'error',
      });
      text = await response.text();
    } catch (error) {
      return { result: err(transportError(error, where, timeoutMs, redact)), retryable: true };
    }
    if (!response.ok) {
      const retryable = RETRYABLE_STATUS.has(response.status);
      return { result: err(httpError(response.status, text, where, redact)), retryable };
    }
    const parsed = schema.safeParse(parseJson(text));
    if (parsed.success) return { result: ok(parsed.data), retryable: false };
    const why = parsed.error.issues.length ? z.prettifyError(parsed.error) : 'not JSON';
    // A 2xx to an action means it was done: sending it again would do it twice.
    if (method === 'POST') {
      const message = `${where} accepted the request (HTTP ${response.status}) but its answer could not be read (${clip(why)}); is the platform API version compatible?`;
      return { result: err({ code: 'unconfirmed', message: redact(message) }), retryable: false };
    }
    const message = `${where} answered with an unexpected response (${clip(why)}); is the platform API version compatible?`;
    return { result: err({ code: 'unavailable', message: redact(message) }), retryable: false };
  };

  return async <T>(method: 'GET' | 'POST', path: string, body: unknown, schema: z.ZodType<T>, key?: ActionCall): PlatformResult<T> => {
    const attempts = method === 'GET' ? readAttempts : 1;
    for (let n = 1; ; n++) {
      const { result, retryable } = await once(method, path, body, schema, key);
      if (result.ok || !retryable || n >= attempts) return result;
      await sleep(fullJitterDelay(n - 1, { baseMs: backoffBaseMs, capMs: BACKOFF_CAP_MS }));
    }
  };
}

function transportError(error: unknown, where: string, timeoutMs: number, redact: (s: string) => string): PlatformError {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { code: 'timeout', message: `${where} did not answer within ${timeoutMs} ms` };
  }
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  const detail = cause?.code ?? cause?.message ?? (error as Error | null)?.message ?? String(error);
  // Only a connection never made proves the request was not received; a reset may come after it was.
  if (cause?.code && NOT_SENT.has(cause.code)) return { code: 'unreachable', message: redact(`${where} could not be reached, so nothing was sent: ${clip(String(detail))}`) };
  return { code: 'unavailable', message: redact(`${where} failed before an answer came: ${clip(String(detail))}`) };
}

/** A known error code in the documented body wins; otherwise the status says what kind of failure it was. */
function httpError(status: number, text: string, where: string, redact: (s: string) => string): PlatformError {
  const body = ErrorBody.safeParse(parseJson(text));
  const known = body.success ? PlatformErrorCode.safeParse(body.data.error.code) : null;
  if (body.success && known?.success) return { code: known.data, message: redact(clip(body.data.error.message)) };
  const said = body.success ? `: ${body.data.error.message}` : '';
  if (status === 401 || status === 403) {
    return { code: 'unauthorized', message: redact(`${where} refused Triage's credentials (HTTP ${status}); check PLATFORM_TOKEN`) };
  }
  return { code: codeForStatus(status), message: redact(clip(`${where} answered HTTP ${status}${said}`)) };
}

function codeForStatus(status: number): PlatformErrorCode {
  if (status === 404) return 'not_found';
  if (status === 409) return 'invalid_state';
  if (status === 400 || status === 422) return 'invalid_input';
  if (status === 408 || status === 504) return 'timeout';
  return 'unavailable';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const clip = (text: string): string => (text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text);
