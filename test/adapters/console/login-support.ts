import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { consoleAdapter } from '../../../adapters/console/index.js';
import { hashPassword } from '../../../src/auth/password-hash.js';
import { ConsoleConfig, type RolesConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/observability/logger.js';
import { startTestTriage, type TestTriage } from '../../support/triage.js';

/** Console login for these tests: every value appears nowhere else, so a leak is findable. */
export const SECRET = 'login-test-session-secret-0123456789-abcdef';
export const PASSWORDS = { james: 'james-password-3f9a1c', elena: 'elena-password-7b2e4d', omar: 'omar-password-5c8d0e' } as const;
export type Who = keyof typeof PASSWORDS;

/** The cheapest cost the config accepts: these tests hash and verify dozens of times. */
const TEST_COST = { N: 2 ** 14, r: 8, p: 1 };

export async function loginConfig(secret = SECRET): Promise<ConsoleConfig> {
  const names: Record<Who, string> = { james: 'James', elena: 'Elena', omar: 'Omar' };
  const people = await Promise.all(
    (Object.keys(PASSWORDS) as Who[]).map(async (id) => ({ id, name: names[id], passwordHash: await hashPassword(PASSWORDS[id], TEST_COST) })),
  );
  return ConsoleConfig.parse({ people, sessionSecret: secret });
}

export type LoginTriage = TestTriage & { logs(): string; get(path: string, cookie?: string, headers?: Record<string, string>): Promise<Response>; send(path: string, body: unknown, cookie?: string, headers?: Record<string, string>): Promise<Response> };

/** The real Triage with the real console adapter and console login, its pino output captured. */
export async function startLoginTriage(login: ConsoleConfig, roles: Partial<RolesConfig> = {}): Promise<LoginTriage> {
  let output = '';
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => ((output += chunk.toString()), done()) });
  const triage = await startTestTriage('pglite', { console: login, roles } as never, { adapters: [consoleAdapter({ login })], logger: createLogger('info', sink) });
  const headersOf = (cookie: string | undefined, extra: Record<string, string> = {}) => ({ ...(cookie ? { cookie } : {}), ...extra });
  return {
    ...triage,
    logs: () => output,
    get: (path, cookie, headers) => fetch(triage.url + path, { headers: headersOf(cookie, headers) }),
    send: (path, body, cookie, headers) =>
      fetch(triage.url + path, { method: 'POST', headers: headersOf(cookie, { 'content-type': 'application/json', ...headers }), body: JSON.stringify(body) }),
  };
}

/** `name=value` of the Set-Cookie header, as a browser would send it back. */
export const cookieFrom = (res: Response): string => (res.headers.get('set-cookie') ?? '').split(';')[0]!;

export async function logIn(triage: LoginTriage, who: Who, headers: Record<string, string> = {}): Promise<string> {
  const res = await triage.send('/console/api/login', { id: who, password: PASSWORDS[who] }, undefined, headers);
  if (res.status !== 200) throw new Error(`login as ${who} answered ${res.status}: ${await res.text()}`);
  return cookieFrom(res);
}

export async function countMessages(triage: TestTriage): Promise<number> {
  const [row] = await triage.database.query<{ n: number }>(sql`select count(*)::int as n from console_messages`);
  return row?.n ?? 0;
}

export type StateMessage = { id: string; channel: string; visibleTo: string | null; card: { title: string; text?: string; actions: Array<{ id: string }> } };

export async function stateOf(triage: LoginTriage, cookie: string): Promise<{ viewer: string; messages: StateMessage[] }> {
  const res = await triage.get('/console/api/state', cookie);
  if (res.status !== 200) throw new Error(`state answered ${res.status}`);
  return (await res.json()) as { viewer: string; messages: StateMessage[] };
}

/** Polls the viewer's state until a message satisfies `match`. */
export async function waitForMessage(triage: LoginTriage, cookie: string, match: (m: StateMessage) => boolean, ms = 20_000): Promise<StateMessage> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = (await stateOf(triage, cookie)).messages.find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error('timed out waiting for a console message');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
