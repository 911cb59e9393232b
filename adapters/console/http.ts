import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readJson, sendError } from '../../src/http/respond.js';
import { err, ok, type Result } from '../../src/result.js';

/**
 * The console API's one error boundary for expected failures: every code it can answer with,
 * and its status, in one table. The message is always words the person can act on.
 */
const STATUS = {
  invalid_body: 400,
  invalid_json: 400,
  body_unreadable: 400,
  body_too_large: 413,
  unsupported_media_type: 415,
  invalid_query: 400,
  unknown_person: 400,
  empty_command: 400,
  not_a_command: 400,
  message_not_found: 404,
  unknown_scenario: 404,
  scenarios_off: 409,
  action_not_on_card: 409,
  // A thread reply under a card that is not an incident's header (adapters/console/thread-routes.ts).
  not_an_incident_thread: 409,
  people_unavailable: 503,
  cross_origin: 403,
  // Console login (docs/architecture.md, "Console login").
  login_required: 401,
  wrong_login: 401,
  not_you: 403,
  too_many_attempts: 429,
} as const;

export type ConsoleErrorCode = keyof typeof STATUS;
export type ConsoleError = { code: ConsoleErrorCode; message: string; extra?: object };

export function fail(res: ServerResponse, error: ConsoleError): void {
  sendError(res, STATUS[error.code], error.code, error.message, error.extra ?? {});
}

const MAX_BODY_BYTES = 16 * 1024;

/** A JSON body parsed by `schema`; anything else is a ConsoleError naming what was wrong. */
export async function parseBody<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<Result<z.infer<S>, ConsoleError>> {
  const json = await readJson(req, MAX_BODY_BYTES);
  if (!json.ok) return err({ code: json.code in STATUS ? (json.code as ConsoleErrorCode) : 'invalid_body', message: json.message });
  const parsed = schema.safeParse(json.value);
  if (!parsed.success) return err({ code: 'invalid_body', message: `The request body is not valid: ${z.prettifyError(parsed.error)}` });
  return ok(parsed.data);
}

/**
 * A change (a click, a command, a replay) must come from the console's own page. Any web page a
 * person has open can POST to 127.0.0.1 (a simple form or fetch needs no permission), so a
 * request whose browser says it came from another origin is refused before anything runs.
 * Clients that are not browsers send no Origin and are not affected.
 */
export function checkSameOrigin(req: IncomingMessage): Result<void, ConsoleError> {
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return err({ code: 'cross_origin', message: 'The console accepts changes only from its own page, not from another site.' });
  if (origin === undefined) return ok(undefined);
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (host !== undefined && host === req.headers.host) return ok(undefined);
  return err({ code: 'cross_origin', message: `The console accepts changes only from its own page; this request came from ${origin}.` });
}

export function parseQuery<S extends z.ZodType>(req: IncomingMessage, schema: S): Result<z.infer<S>, ConsoleError> {
  const params = Object.fromEntries(new URL(req.url ?? '/', 'http://console.local').searchParams);
  const parsed = schema.safeParse(params);
  if (!parsed.success) return err({ code: 'invalid_query', message: `The query is not valid: ${z.prettifyError(parsed.error)}` });
  return ok(parsed.data);
}
