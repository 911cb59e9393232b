import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, parsePasswordHash, verifyPassword } from '../src/auth/password-hash.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { packageRoot } from '../src/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'triage-config-console-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const SECRET = 'console-session-secret-0123456789-abcdef';
let HASH = '';
const people = (hash: string) => `console:\n  people:\n    - { id: mike, name: Mike, passwordHash: '${hash}' }\n`;

beforeAll(async () => {
  HASH = await hashPassword('correct horse battery', { N: 2 ** 14, r: 8, p: 1 });
});

describe('console: in the configuration', () => {
  it('reads people from the file and the session secret from TRIAGE_CONSOLE_SESSION_SECRET', () => {
    const loaded = loadConfig({ TRIAGE_CONFIG: file('ok.yml', people(HASH)), TRIAGE_CONSOLE_SESSION_SECRET: SECRET });
    expect(loaded.ok && loaded.value.console).toEqual({ people: [{ id: 'mike', name: 'Mike', passwordHash: HASH }], sessionSecret: SECRET, sessionHours: 12 });
  });

  it('is off and valid when absent', () => {
    const loaded = loadConfig({ TRIAGE_CONFIG: file('none.yml', '') });
    expect(loaded.ok && loaded.value.console).toEqual({ people: [], sessionHours: 12 });
  });

  it('refuses people without a session secret, saying what to set', () => {
    const loaded = loadConfig({ TRIAGE_CONFIG: file('nosecret.yml', people(HASH)) });
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) {
      expect(loaded.error.problems).toEqual([expect.stringMatching(/^console\.people is set but no session secret: set TRIAGE_CONSOLE_SESSION_SECRET .*openssl rand/)]);
    }
  });

  it('refuses a session secret shorter than 32 characters without echoing it', () => {
    const loaded = loadConfig({ TRIAGE_CONFIG: file('short.yml', people(HASH)), TRIAGE_CONSOLE_SESSION_SECRET: 'too-short-secret' });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.error.problems).toEqual([expect.stringMatching(/^TRIAGE_CONSOLE_SESSION_SECRET: must be at least 32 characters .*; found \(hidden\)$/)]);
    expect(loaded.error.message).not.toContain('too-short-secret');
  });

  it.each([
    ['not a hash at all', 'hunter2', /not in the form scrypt\$N\$r\$p\$salt\$hash/],
    ['a cost too low to slow a guesser', hashWith({ N: '1024' }), /N=1024; N must be a power of two from 16384/],
    ['a salt too short', hashWith({ salt: 'AAAA' }), /salt of 3 bytes/],
  ])('names the person and how to make a hash when the hash is %s, never showing it', (_what, hash, reason) => {
    const loaded = loadConfig({ TRIAGE_CONFIG: file('badhash.yml', people(hash)), TRIAGE_CONSOLE_SESSION_SECRET: SECRET });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    const [problem] = loaded.error.problems;
    expect(problem).toMatch(/badhash\.yml: console\.people\.0\.passwordHash: the password hash of "mike" /);
    expect(problem).toMatch(reason);
    expect(problem).toContain('make one with `npm run console-password`');
    expect(problem).toMatch(/found \(hidden\)$/);
    expect(loaded.error.message).not.toContain(hash);
  });

  it('a logged configuration shows neither the session secret nor a password hash', () => {
    const loaded = loadConfig({ TRIAGE_CONFIG: file('logged.yml', people(HASH)), TRIAGE_CONSOLE_SESSION_SECRET: SECRET });
    let output = '';
    const logger = createLogger('info', new Writable({ write: (chunk: Buffer, _encoding, done) => ((output += chunk.toString()), done()) }));
    logger.info({ config: loaded.ok ? loaded.value : null }, 'configuration');
    logger.info(loaded.ok ? loaded.value : {}, 'configuration, flat');
    expect(output).toContain('"id":"mike"');
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain(HASH.split('$')[5]);
  });

  it('refuses a person listed twice, and an id roles could not name', () => {
    const twice = `console:\n  people:\n    - { id: mike, name: Mike, passwordHash: '${HASH}' }\n    - { id: mike, name: Mike B, passwordHash: '${HASH}' }\n`;
    const loaded = loadConfig({ TRIAGE_CONFIG: file('twice.yml', twice), TRIAGE_CONSOLE_SESSION_SECRET: SECRET });
    expect(!loaded.ok && loaded.error.problems).toEqual(['console.people lists "mike" more than once; each person needs one entry']);
    const spaced = loadConfig({ TRIAGE_CONFIG: file('spaced.yml', people(HASH).replace('id: mike', 'id: "mike b"')), TRIAGE_CONSOLE_SESSION_SECRET: SECRET });
    expect(!spaced.ok && spaced.error.problems).toEqual([expect.stringMatching(/console\.people\.0\.id: an id like mike .*console:<id>; found "mike b"$/)]);
  });
});

/** A valid hash with one part replaced. */
function hashWith(part: { N?: string; salt?: string }): string {
  const [scheme, N, r, p, salt, hash] = 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g='.split('$');
  return [scheme, part.N ?? N, r, p, part.salt ?? salt, hash].join('$');
}

describe('npm run console-password', () => {
  it('hashes a piped password into a hash the config accepts and the password verifies against', async () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/console-password.ts'], { cwd: packageRoot(), input: 'correct horse battery\n', encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const printed = run.stdout.trim();
    expect(printed).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(run.stdout + run.stderr).not.toContain('correct horse battery');
    const parsed = parsePasswordHash(printed);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(await verifyPassword('correct horse battery', parsed.value)).toBe(true);
    expect(await verifyPassword('correct horse batterY', parsed.value)).toBe(false);
  });

  it('refuses a short password and prints nothing on stdout', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/console-password.ts'], { cwd: packageRoot(), input: 'short\n', encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('use at least 12');
  });
});
