import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'triage-config-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('loadConfig', () => {
  it('gives the embedded defaults with an empty environment', () => {
    const config = loadConfig({ TRIAGE_CONFIG: file('empty.yml', '') });
    expect(config.ok && config.value).toMatchObject({ port: 3000, host: '127.0.0.1', dataDir: './.triage', logLevel: 'info' });
    expect(config.ok && config.value.databaseUrl).toBeUndefined();
  });

  it('reads the YAML file and lets the environment override it', () => {
    const path = file('ok.yml', 'port: 4000\nhost: 0.0.0.0\nlogLevel: debug\n');
    const config = loadConfig({ TRIAGE_CONFIG: path, PORT: '5000' });
    expect(config.ok && config.value).toMatchObject({ port: 5000, host: '0.0.0.0', logLevel: 'debug' });
  });

  it('names every bad key, what was expected and what was found, in one message', () => {
    const path = file('bad.yml', 'host: ""\nintake:\n  maxBodyBytes: -5\n');
    const config = loadConfig({ TRIAGE_CONFIG: path, PORT: 'eighty', LOG_LEVEL: 'loud', PLATFORM_URL: 'ftp://x' });
    expect(config.ok).toBe(false);
    if (config.ok) return;
    const { message, problems } = config.error;
    expect(problems).toHaveLength(5);
    expect(message).toContain('5 problems');
    expect(message).toMatch(/PORT: .*found "eighty"/);
    expect(message).toMatch(/LOG_LEVEL: .*found "loud"/);
    expect(message).toMatch(/PLATFORM_URL: .*found "ftp:\/\/x"/);
    expect(message).toMatch(/bad\.yml: host: .*found ""/);
    expect(message).toMatch(/bad\.yml: intake\.maxBodyBytes: .*found -5/);
  });

  it('never echoes a secret value, even when it is the bad one', () => {
    const config = loadConfig({
      TRIAGE_CONFIG: file('empty2.yml', ''),
      INGEST_TOKEN: 'short-secret',
      DATABASE_URL: 'mysql://root:hunter2@db/x',
    });
    expect(config.ok).toBe(false);
    if (config.ok) return;
    expect(config.error.message).toContain('INGEST_TOKEN');
    expect(config.error.message).toContain('DATABASE_URL');
    expect(config.error.message).not.toContain('short-secret');
    expect(config.error.message).not.toContain('hunter2');
    expect(config.error.message).toContain('(hidden)');
  });

  it('explains a missing or unparseable config file', () => {
    const missing = loadConfig({ TRIAGE_CONFIG: join(dir, 'nope.yml') });
    expect(!missing.ok && missing.error.message).toContain('does not exist');
    const broken = loadConfig({ TRIAGE_CONFIG: file('broken.yml', 'port: [1,\n') });
    expect(!broken.ok && broken.error.message).toContain('not valid YAML');
    const list = loadConfig({ TRIAGE_CONFIG: file('list.yml', '- 1\n- 2\n') });
    expect(!list.ok && list.error.message).toContain('expected a mapping');
  });
});

describe('roles from the environment', () => {
  it('reads TRIAGE_RESPONDERS / _APPROVERS / _ADMINS as comma-separated members, two-person rule on by default', () => {
    const loaded = loadConfig({ TRIAGE_CONFIG: '/dev/null', TRIAGE_RESPONDERS: 'slack:U0123ABC, console:mike', TRIAGE_APPROVERS: 'slack-group:S0999', TRIAGE_ADMINS: '' });
    expect(loaded.ok && loaded.value.roles).toEqual({ responders: ['slack:U0123ABC', 'console:mike'], approvers: ['slack-group:S0999'], admins: [], twoPersonRule: true });
  });

  it('names the variable and the bad member', () => {
    const loaded = loadConfig({ TRIAGE_CONFIG: '/dev/null', TRIAGE_APPROVERS: 'slack:U1,mike' });
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.error.problems).toEqual([expect.stringMatching(/^TRIAGE_APPROVERS: a member like slack:U0123ABC, console:mike or slack-group:S0123ABC; found "mike"$/)]);
  });
});

describe('incidents from the environment', () => {
  it('GITHUB_TOKEN and GITHUB_REPOSITORY turn on GitHub Issues for preventive tickets', () => {
    const loaded = loadConfig({ TRIAGE_CONFIG: '/dev/null', GITHUB_TOKEN: 'ghp_secretvalue123', GITHUB_REPOSITORY: 'acme/agents' });
    expect(loaded.ok && loaded.value.incidents.github).toEqual({ token: 'ghp_secretvalue123', repository: 'acme/agents' });
  });

  it('half of GitHub names what is missing and never echoes the token', () => {
    const loaded = loadConfig({ TRIAGE_CONFIG: '/dev/null', GITHUB_TOKEN: 'ghp_secretvalue123' });
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) {
      expect(loaded.error.problems).toEqual(['GITHUB_TOKEN: GITHUB_REPOSITORY (owner/name) is needed with GITHUB_TOKEN; found nothing']);
      expect(loaded.error.message).not.toContain('ghp_secretvalue123');
    }
  });
});
