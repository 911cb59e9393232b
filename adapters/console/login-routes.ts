import type { IncomingMessage, ServerResponse } from 'node:http';
import { unmatchableHash, verifyPassword } from '../../src/auth/password-hash.js';
import type { AuditEntry } from '../../src/audit/log.js';
import { sendJson } from '../../src/http/respond.js';
import type { Route } from '../../src/http/router.js';
import { LoginBody } from './api.js';
import { fail, parseBody } from './http.js';
import { createFailureLimit, type FailureLimit } from './login-limit.js';
import type { Sessions } from './session.js';

/**
 * POST /console/api/login and /console/api/logout (docs/architecture.md, "Console login"). A
 * wrong name and a wrong password get the same words, after the same scrypt work, so answers
 * never say who exists. Failures are limited per address and name, and per address.
 */
export type LogLine = (context: object, message: string) => void;

export type LoginDeps = {
  sessions: Sessions;
  /** Records the login in the audit log; a failure to record is logged and does not block it. */
  audit: (entry: AuditEntry) => Promise<void>;
  logger?: { info?: LogLine; warn?: LogLine };
  /** Failures allowed per address and name, and per address, within a minute. */
  limits?: { perName: number; perAddress: number; windowMs: number };
};

const WRONG = 'Wrong name or password.';
const DEFAULT_LIMITS = { perName: 10, perAddress: 30, windowMs: 60_000 };

export function loginRoutes(deps: LoginDeps): Route[] {
  const limits = deps.limits ?? DEFAULT_LIMITS;
  const byName = createFailureLimit({ max: limits.perName, windowMs: limits.windowMs });
  const byAddress = createFailureLimit({ max: limits.perAddress, windowMs: limits.windowMs });
  const first = [...deps.sessions.people.values()][0];
  const decoy = unmatchableHash(first?.hash ?? { N: 2 ** 15, r: 8, p: 1 });
  const login = handleLogin(deps, { byName, byAddress }, decoy);
  return [
    { method: 'POST', path: '/console/api/login', handler: login },
    {
      method: 'POST',
      path: '/console/api/logout',
      handler: (req, res) => {
        req.resume();
        const session = deps.sessions.read(req);
        if (session) deps.logger?.info?.({ person: session.person.id }, 'console logout');
        sendJson(res, 200, { loggedOut: true }, { 'set-cookie': deps.sessions.clear(req), 'cache-control': 'no-store' });
      },
    },
  ];
}

type Limits = { byName: FailureLimit; byAddress: FailureLimit };

function handleLogin(deps: LoginDeps, limits: Limits, decoy: ReturnType<typeof unmatchableHash>) {
  const { sessions, logger } = deps;
  const audit = (entry: AuditEntry): Promise<void> =>
    deps.audit(entry).catch((error: unknown) => logger?.warn?.({ err: error, person: entry.actor.userId }, 'console login: could not write the audit log'));

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await parseBody(req, LoginBody);
    if (!body.ok) return fail(res, body.error);
    const { id, password } = body.value;
    const address = req.socket.remoteAddress ?? 'unknown';
    const nameKey = `${address}|${id}`;
    const wait = Math.max(limits.byName.waitSeconds(nameKey), limits.byAddress.waitSeconds(address));
    if (wait > 0) {
      logger?.warn?.({ person: id, address, retryAfterSeconds: wait }, 'console login refused: too many failed attempts');
      res.setHeader('retry-after', String(wait));
      return fail(res, { code: 'too_many_attempts', message: `Too many failed logins for this name from your address; try again in ${wait} s.` });
    }
    const person = sessions.people.get(id);
    // An unknown name still costs one scrypt, so its answer takes as long as a wrong password's.
    const matched = await verifyPassword(password, person?.hash ?? decoy);
    const actor = { platform: 'console' as const, userId: id, ...(person ? { name: person.name } : {}) };
    if (!person || !matched) {
      limits.byName.failed(nameKey);
      limits.byAddress.failed(address);
      logger?.warn?.({ person: id, address, known: Boolean(person) }, 'console login failed: wrong name or password');
      await audit({ actor, action: 'console_login', target: `address:${address}`, outcome: 'refused', detail: 'wrong name or password' });
      return fail(res, { code: 'wrong_login', message: WRONG });
    }
    limits.byName.forget(nameKey);
    const { cookie, expiresAt } = sessions.issue(req, person);
    logger?.info?.({ person: id, address, expiresAt: new Date(expiresAt).toISOString() }, 'console login');
    await audit({ actor, action: 'console_login', target: `address:${address}`, outcome: 'succeeded' });
    sendJson(res, 200, { person: { id: person.id, name: person.name }, expiresAt: new Date(expiresAt).toISOString() }, { 'set-cookie': cookie, 'cache-control': 'no-store' });
  };
}
