import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSession } from '../../../adapters/console/session.js';
import { latestAudit } from '../../../src/audit/log.js';
import type { ConsoleConfig } from '../../../src/config.js';
import { createPostgresDatabase, realPostgresUrl } from '../../support/databases.js';
import { spawnTriage, type TriageProcess } from '../../support/process.js';
import { stopAll } from '../../support/replicas.js';
import { countMessages, cookieFrom, logIn, loginConfig, PASSWORDS, SECRET, startLoginTriage, stateOf, waitForMessage, type LoginTriage } from './login-support.js';

const help = { text: '/triage help', channel: 'ops' };
const hashOf = (config: ConsoleConfig, id: string) => config.people.find((p) => p.id === id)!.passwordHash;

/**
 * Console login, over real HTTP against the real Triage (docs/architecture.md, "Console login"):
 * with console.people configured, no route answers without a signed session, the person acting
 * is the session's and nobody else, and the demo roles never apply.
 */
describe('the console with login configured', () => {
  let config: ConsoleConfig;
  let a: LoginTriage;
  let james = '';
  beforeAll(async () => {
    config = await loginConfig();
    a = await startLoginTriage(config);
  });
  afterAll(async () => a?.close());

  it('answers every console route with 401 without a session, and runs nothing', async () => {
    const page = await a.get('/');
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('id="login-form"');
    for (const path of ['/console/api/state', '/console/api/state?as=james', '/console/api/stream']) {
      const res = await a.get(path);
      expect(res.status, path).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'login_required', message: expect.stringMatching(/log in/i) } });
    }
    const posts: Array<[string, unknown]> = [
      ['/console/api/command', { ...help, personId: 'james' }],
      ['/console/api/click', { actionId: 'v1|dismiss', personId: 'james', channel: 'ops', messageId: '1' }],
      ['/console/api/scenarios/cascading-failure', {}],
    ];
    for (const [path, body] of posts) expect((await a.send(path, body)).status, path).toBe(401);
    expect(await countMessages(a)).toBe(0);
  });

  it('answers a wrong password and an unknown name alike, with no cookie, and audits both', async () => {
    const wrong = await a.send('/console/api/login', { id: 'james', password: 'not-his-password' });
    const unknown = await a.send('/console/api/login', { id: 'mallory', password: PASSWORDS.james });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    const [w, u] = [await wrong.json(), await unknown.json()];
    expect(w).toEqual({ error: { code: 'wrong_login', message: 'Wrong name or password.' } });
    expect(u).toEqual(w);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const audit = await latestAudit(a.database.db, 5);
    expect(audit.filter((r) => r.action === 'console_login').map((r) => [r.actor.userId, r.outcome])).toEqual([
      ['mallory', 'refused'],
      ['james', 'refused'],
    ]);
  });

  it('gives a signed session cookie for the right password: HttpOnly, SameSite=Strict, Path=/, 12 hours; Secure behind https', async () => {
    const res = await a.send('/console/api/login', { id: 'james', password: PASSWORDS.james });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ person: { id: 'james', name: 'James' } });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^triage_console=[\w-]+\.[\w-]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/);
    james = cookieFrom(res);
    const https = await a.send('/console/api/login', { id: 'james', password: PASSWORDS.james }, undefined, { 'x-forwarded-proto': 'https' });
    expect(https.headers.get('set-cookie')).toMatch(/; Secure$/);
    expect((await latestAudit(a.database.db, 1))[0]).toMatchObject({ action: 'console_login', outcome: 'succeeded', actor: { platform: 'console', userId: 'james' } });
    expect((await a.get('/', james)).status).toBe(200);
  });

  it('acts as the session person only: state, stream and commands; anyone else named is refused with nothing run', async () => {
    const state = await a.get('/console/api/state', james);
    expect(state.status).toBe(200);
    expect(await state.json()).toMatchObject({ viewer: 'james', login: true, people: [{ id: 'james', name: 'James' }] });
    const mine = await a.send('/console/api/command', help, james);
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({ message: { visibleTo: 'james' } });
    expect((await a.send('/console/api/command', { ...help, personId: 'james' }, james)).status).toBe(200);
    const before = await countMessages(a);
    const asElena = await a.send('/console/api/command', { ...help, personId: 'elena' }, james);
    expect(asElena.status).toBe(403);
    expect(await asElena.json()).toMatchObject({ error: { code: 'not_you' } });
    const replyId = (await stateOf(a, james)).messages[0]!.id;
    const click = await a.send('/console/api/click', { actionId: 'v1|dismiss', personId: 'elena', channel: 'ops', messageId: replyId }, james);
    expect(click.status).toBe(403);
    expect(await countMessages(a)).toBe(before);
    expect((await a.get('/console/api/state?as=elena', james)).status).toBe(403);
    expect((await a.get('/console/api/stream?as=elena', james)).status).toBe(403);
    // Elena's own session does not see James's private replies.
    const elena = await logIn(a, 'elena');
    expect((await stateOf(a, elena)).messages.filter((m) => m.visibleTo === 'james')).toEqual([]);
  });

  it('refuses a forged, altered, foreign or expired cookie', async () => {
    const person = { id: 'james', hashText: hashOf(config, 'james') };
    const [payload, mac] = james.slice('triage_console='.length).split('.');
    const asElena = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'elena' })).toString('base64url');
    const refused = {
      garbage: 'triage_console=garbage',
      altered: `triage_console=${asElena}.${mac}`,
      'signed with another secret': `triage_console=${signSession('another-secret-0123456789-0123456789-abc', person, Date.now() + 60_000)}`,
      expired: `triage_console=${signSession(SECRET, person, Date.now() - 1_000)}`,
      'for someone not configured': `triage_console=${signSession(SECRET, { id: 'mallory', hashText: person.hashText }, Date.now() + 60_000)}`,
    };
    for (const [what, cookie] of Object.entries(refused)) expect((await a.get('/console/api/state', cookie)).status, what).toBe(401);
    // The same forging with the right secret and a future expiry is accepted: the refusals above are about what changed.
    expect((await a.get('/console/api/state', `triage_console=${signSession(SECRET, person, Date.now() + 60_000)}`)).status).toBe(200);
  });

  it('never applies the demo roles: a Tech Lead logged in cannot approve, and the banner says why', async () => {
    const asked = await a.send('/console/api/command', { text: '/budget request daily-code-review 5 retry storm', channel: 'ops' }, james);
    expect(JSON.stringify(await asked.json())).toContain('Requested +$5.00');
    const elena = await logIn(a, 'elena');
    const isApproval = (m: { card: { actions: Array<{ id: string }> } }) => m.card.actions.some((x) => x.id.includes('|approve_budget_override|'));
    const card = await waitForMessage(a, elena, isApproval);
    const approve = card.card.actions.find((x) => x.id.includes('|approve_budget_override|'))!;
    const click = await a.send('/console/api/click', { actionId: approve.id, channel: card.channel, messageId: card.id }, elena);
    expect(click.status).toBe(200);
    expect(JSON.stringify(await click.json())).toMatch(/needs the approver role; you are a viewer/);
    const rows = await a.database.query<{ status: string }>(sql`select status from approvals`);
    expect(rows.map((r) => r.status)).toEqual(['pending']);
    expect(a.actions.authoriser.describe()[0]).toMatch(/^Console login is on, so the demo roles are off/);
  });

  it('limits failed logins per address and name: 429 with Retry-After, even for the right password; other names go on', async () => {
    for (let i = 0; i < 10; i++) expect((await a.send('/console/api/login', { id: 'omar', password: `guess-${i}` })).status).toBe(401);
    for (const password of ['guess-10', PASSWORDS.omar]) {
      const limited = await a.send('/console/api/login', { id: 'omar', password });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(await limited.json()).toMatchObject({ error: { code: 'too_many_attempts' } });
    }
    expect(await logIn(a, 'james')).toMatch(/^triage_console=/);
  });

  it('logs out by clearing the cookie', async () => {
    const out = await a.send('/console/api/logout', {}, james);
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^triage_console=; Max-Age=0; Path=\/; HttpOnly; SameSite=Strict/);
  });

  it('logs logins and failures by person id, never a password, the session secret or a cookie', () => {
    const logs = a.logs();
    expect(logs).toMatch(/"person":"james".*"msg":"console login"/);
    expect(logs).toMatch(/"person":"mallory".*"msg":"console login failed: wrong name or password"/);
    expect(logs).toContain('too many failed attempts');
    for (const secret of [SECRET, ...Object.values(PASSWORDS), 'not-his-password', james.split('.')[1]!]) expect(logs).not.toContain(secret);
  });

  it('takes a cookie signed by another instance with the same secret (replicas share it); a responder there cannot approve', async () => {
    // Logged in before B starts: a connection to A left idle through B's start-up could meet A's keep-alive timeout.
    const fromA = await logIn(a, 'james');
    const b = await startLoginTriage(config, { responders: ['console:elena'] });
    try {
      const state = await b.get('/console/api/state', fromA);
      expect(state.status).toBe(200);
      expect(await state.json()).toMatchObject({ viewer: 'james' });
      expect((await b.send('/console/api/command', help, fromA)).status).toBe(200);
      // On this instance Elena is a responder by configuration; that still does not let her approve.
      await b.send('/console/api/command', { text: '/budget request daily-code-review 5 retry storm', channel: 'ops' }, fromA);
      const elena = await logIn(b, 'elena');
      const card = await waitForMessage(b, elena, (m) => m.card.actions.some((x) => x.id.includes('|approve_budget_override|')));
      const approve = card.card.actions.find((x) => x.id.includes('|approve_budget_override|'))!;
      const click = await b.send('/console/api/click', { actionId: approve.id, channel: card.channel, messageId: card.id }, elena);
      expect(JSON.stringify(await click.json())).toMatch(/needs the approver role; you are a responder/);
    } finally {
      await b.close();
    }
  });
});

/** src/main.ts decides whether the console is served at all: real processes, real HTTP. */
describe('the console beyond loopback', () => {
  const running: TriageProcess[] = [];
  const databases: Array<{ drop(): Promise<void> }> = [];
  afterAll(async () => {
    await stopAll(running);
    for (const database of databases) await database.drop();
  });
  const start = async (env: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'triage-login-'));
    // A config file of its own, so a developer's triage.config.yml cannot change what is tested.
    writeFileSync(join(dir, 'none.yml'), '');
    // The suite's PostgreSQL when there is one: a process on embedded PGlite on disk took 10-15 s
    // to start under CI's load, and what is tested here is the console, not the database.
    const database = realPostgresUrl() ? await createPostgresDatabase() : undefined;
    if (database) databases.push(database);
    const p = await spawnTriage({
      HOST: '0.0.0.0',
      INGEST_TOKEN: 'login-ingest-token-0123456789',
      TRIAGE_DATA_DIR: dir,
      TRIAGE_CONFIG: join(dir, 'none.yml'),
      ...(database ? { DATABASE_URL: database.url } : {}),
      ...env,
    });
    running.push(p);
    return p;
  };

  it('is off on HOST=0.0.0.0 without console login, and the log says how to turn it on', async () => {
    const triage = await start({});
    expect((await fetch(`${triage.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${triage.url}/console/api/state`)).status).toBe(404);
    expect((await fetch(`${triage.url}/`)).status).toBe(404);
    expect(triage.output()).toContain('the web console is off');
    expect(triage.output()).toContain('TRIAGE_CONSOLE_SESSION_SECRET');
  }, 90_000);

  it('is on with console login on HOST=0.0.0.0, asks for it, and prints neither the secret nor a password', async () => {
    const config = await loginConfig();
    const file = join(mkdtempSync(join(tmpdir(), 'triage-login-')), 'triage.config.yml');
    const people = config.people.map((p) => `    - { id: ${p.id}, name: ${p.name}, passwordHash: '${p.passwordHash}' }`).join('\n');
    writeFileSync(file, `console:\n  people:\n${people}\n`);
    const triage = await start({ TRIAGE_CONFIG: file, TRIAGE_CONSOLE_SESSION_SECRET: SECRET, LOG_LEVEL: 'debug' });
    expect((await fetch(`${triage.url}/console/api/state`)).status).toBe(401);
    const login = await fetch(`${triage.url}/console/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'james', password: PASSWORDS.james }) });
    expect(login.status).toBe(200);
    const state = await fetch(`${triage.url}/console/api/state`, { headers: { cookie: cookieFrom(login) } });
    expect(await state.json()).toMatchObject({ viewer: 'james', login: true });
    expect(triage.output()).toContain('the console, with a login');
    expect(triage.output()).toContain('Console login is on, so the demo roles are off');
    for (const secret of [SECRET, ...Object.values(PASSWORDS), cookieFrom(login).split('.')[1]!]) expect(triage.output()).not.toContain(secret);
  }, 90_000);
});
