import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { z } from 'zod';
import { parsePasswordHash, type PasswordHash } from '../../src/auth/password-hash.js';
import type { ConsoleConfig } from '../../src/config.js';

/**
 * The console's signed session cookie (docs/architecture.md, "Console login"). Nothing is kept on
 * the server: the cookie holds the person's id and its expiry, signed with HMAC-SHA256 under the
 * session secret, so any replica with the same secret accepts it. The signature also covers the
 * person's password hash: changing someone's password in config ends their sessions.
 */
export const SESSION_COOKIE = 'triage_console';

export type LoginPerson = { id: string; name: string; hash: PasswordHash; hashText: string };
export type Session = { person: LoginPerson; expiresAt: number };

export type Sessions = {
  people: ReadonlyMap<string, LoginPerson>;
  /** The valid session this request carries, if any: signed by us, not expired, for someone still configured. */
  read(req: IncomingMessage): Session | undefined;
  /** The Set-Cookie header value that starts a session for `person`. */
  issue(req: IncomingMessage, person: LoginPerson): { cookie: string; expiresAt: number };
  /** The Set-Cookie header value that ends it in this browser. */
  clear(req: IncomingMessage): string;
};

const Payload = z.strictObject({ sub: z.string().min(1).max(64), exp: z.number().int().positive() });
/** Far more than a real cookie needs; anything longer is not ours and is not parsed. */
const MAX_COOKIE = 1024;

const mac = (secret: string, payload: string, hashText: string): string =>
  createHmac('sha256', secret).update(`triage-console-session.v1\n${payload}\n${hashText}`).digest('base64url');

/** A cookie value for `person` that expires at `expiresAt` (ms): what `issue` sets, and what tests forge. */
export function signSession(secret: string, person: Pick<LoginPerson, 'id' | 'hashText'>, expiresAt: number): string {
  const payload = Buffer.from(JSON.stringify({ sub: person.id, exp: Math.floor(expiresAt / 1000) })).toString('base64url');
  return `${payload}.${mac(secret, payload, person.hashText)}`;
}

export function createSessions(config: Pick<ConsoleConfig, 'people' | 'sessionSecret' | 'sessionHours'>, now: () => number = Date.now): Sessions {
  const secret = config.sessionSecret;
  if (!secret) throw new Error('console login needs a session secret (TRIAGE_CONSOLE_SESSION_SECRET)');
  const people = new Map(
    config.people.map((p) => {
      const hash = parsePasswordHash(p.passwordHash);
      // The config schema has already refused a malformed hash; this only narrows the type.
      if (!hash.ok) throw new Error(`console person ${p.id}: the password hash ${hash.error}`);
      return [p.id, { id: p.id, name: p.name, hash: hash.value, hashText: p.passwordHash }];
    }),
  );
  const lifetimeMs = config.sessionHours * 3_600_000;

  const read = (req: IncomingMessage): Session | undefined => {
    const value = cookieOf(req, SESSION_COOKIE);
    if (value === undefined || value.length > MAX_COOKIE) return undefined;
    const [payload, signature, extra] = value.split('.');
    if (!payload || !signature || extra !== undefined) return undefined;
    const claims = parsePayload(payload);
    const person = claims && people.get(claims.sub);
    if (!claims || !person || !sameText(signature, mac(secret, payload, person.hashText))) return undefined;
    const expiresAt = claims.exp * 1000;
    return expiresAt > now() ? { person, expiresAt } : undefined;
  };

  return {
    people,
    read,
    issue(req, person) {
      const expiresAt = now() + lifetimeMs;
      const cookie = `${SESSION_COOKIE}=${signSession(secret, person, expiresAt)}; Max-Age=${Math.floor(lifetimeMs / 1000)}${attributes(req)}`;
      return { cookie, expiresAt };
    },
    clear: (req) => `${SESSION_COOKIE}=; Max-Age=0${attributes(req)}`,
  };
}

/** HttpOnly: page scripts never see it. Strict: no other site's page can make the browser send it. */
const attributes = (req: IncomingMessage): string => `; Path=/; HttpOnly; SameSite=Strict${cameOverHttps(req) ? '; Secure' : ''}`;

/** Over TLS, or through a proxy that says it terminated TLS (only the Secure flag depends on it). */
export function cameOverHttps(req: IncomingMessage): boolean {
  if ((req.socket as Partial<TLSSocket>).encrypted === true) return true;
  const forwarded = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function parsePayload(payload: string): z.infer<typeof Payload> | undefined {
  try {
    const parsed = Payload.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function sameText(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}
