import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { anyText, mutated, PARSER_RUNS } from './arbitraries.js';

/**
 * The environment at start-up: any map of variables gives a config or one error naming each
 * variable that is wrong, and never echoes a secret (docs/architecture.md, invariant 8).
 */
const dir = mkdtempSync(join(tmpdir(), 'triage-fuzz-config-'));
const EMPTY_FILE = join(dir, 'empty.yml');
writeFileSync(EMPTY_FILE, '');

/** A marker no message has unless a secret leaked into it. */
const MARK = 'S3CR3T';
/** The variables whose values are secrets (src/config.ts keeps them out of messages), with a valid value each. */
const SECRETS: Record<string, string> = {
  DATABASE_URL: `postgres://triage:${MARK}pw@db.internal:5432/triage`,
  INGEST_TOKEN: `${MARK}-ingest-0123456789`,
  INGEST_TOKEN_PREVIOUS: `${MARK}-previous-0123456789`,
  PLATFORM_TOKEN: `${MARK}-platform`,
  SLACK_BOT_TOKEN: `xoxb-${MARK}-bot`,
  SLACK_SIGNING_SECRET: `${MARK}-signing`,
  SLACK_SIGNING_SECRET_PREVIOUS: `${MARK}-signing-old`,
  SLACK_APP_TOKEN: `xapp-${MARK}-app`,
  DISCORD_BOT_TOKEN: `${MARK}.discord-bot-token.0123`,
  HEARTBEAT_URL: `https://hc-ping.com/${MARK}-uuid`,
  HEARTBEAT_ROUTING_KEY: `${MARK}routingkey`,
  TRIAGE_CONSOLE_SESSION_SECRET: `${MARK}-session-secret-0123456789abcdef`,
  GITHUB_TOKEN: `ghp_${MARK}token`,
  TRIAGE_LLM_API_KEY: `sk-${MARK}-llm`,
};
const PLAIN: Record<string, string> = {
  PORT: '3000',
  HOST: '0.0.0.0',
  TRIAGE_DATA_DIR: './.triage',
  PLATFORM_URL: 'https://ops:P4SSW0RD@platform.example/api',
  LOG_LEVEL: 'debug',
  TRIAGE_RESPONDERS: 'slack:U0PRIYA, console:mike',
  TRIAGE_APPROVERS: 'slack-group:S0LEADS',
  TRIAGE_ADMINS: 'discord-role:1700000000000000007',
  SLACK_API_URL: 'https://slack.com/api/',
  SLACK_CHANNEL: 'C0OPS12345',
  DISCORD_PUBLIC_KEY: 'ab'.repeat(32),
  DISCORD_APPLICATION_ID: '1100000000000000001',
  DISCORD_GUILD_ID: '1200000000000000002',
  DISCORD_API_URL: 'https://discord.com/api/v10',
  DISCORD_CHANNEL: '1300000000000000003',
  HEARTBEAT_KIND: 'pagerduty',
  HEARTBEAT_EVERY: '60',
  GITHUB_REPOSITORY: 'acme/ops',
};
const NAMES = [...Object.keys(SECRETS), ...Object.keys(PLAIN)];

/** Each variable: absent (record keys are optional), valid, near-valid, empty, or anything; a secret's value carries the marker wherever it can. */
const valueFor = (valid: string, secret: boolean) =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant(valid) },
    { weight: 3, arbitrary: mutated(valid) },
    { weight: 1, arbitrary: secret ? fc.tuple(anyText, anyText).map(([a, b]) => a + MARK + b) : anyText },
    { weight: 1, arbitrary: fc.constant('') },
  );
const VALUES = Object.fromEntries(Object.entries({ ...SECRETS, ...PLAIN }).map(([name, valid]) => [name, valueFor(valid, name in SECRETS)]));
/** Up to ten of the variables (more would only add noise to a refusal), and a few unrelated ones. */
const env = fc
  .uniqueArray(fc.constantFrom(...NAMES), { maxLength: 10 })
  .chain((names) => fc.tuple(fc.tuple(...names.map((n) => VALUES[n]!)), fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('PATH', 'NODE_ENV')), fc.string({ maxLength: 20 }), { maxKeys: 2 })).map(([values, other]): Record<string, string> => ({ ...other, ...Object.fromEntries(names.map((n, i) => [n, values[i]!])), TRIAGE_CONFIG: EMPTY_FILE })));

/** The part of a URL that would hold credentials, as the loader reads it. */
const userinfo = (url: string) => /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(url)?.[1];

describe('config under fuzzing', () => {
  it(`${PARSER_RUNS} environments give a config or an error naming each variable, and never show a secret`, () => {
    fc.assert(
      fc.property(env, (vars) => {
        const loaded = loadConfig(vars);
        if (loaded.ok) {
          expect(loaded.value.port).toBeGreaterThanOrEqual(0);
          return;
        }
        const { code, message, problems } = loaded.error;
        const credentials = userinfo(vars.PLATFORM_URL ?? '');
        // Plain checks gathered into one assertion: expect() per problem costs more than the loader.
        const wrong = [
          ...(code === 'invalid_config' && problems.length > 0 ? [] : ['an error without problems']),
          ...problems.filter((p) => !NAMES.some((name) => p.includes(name))).map((p) => `names no variable: ${p}`),
          // Every secret that still carries the marker: nothing of it, not even a truncated start.
          ...(message.includes(MARK) ? ['shows a secret'] : []),
          ...(credentials && credentials.length >= 4 && message.includes(credentials) ? ["shows PLATFORM_URL's credentials"] : []),
        ];
        if (wrong.length) expect.fail(`${wrong.join('; ')}\n${message}`);
      }),
      { numRuns: PARSER_RUNS },
    );
    // Every variable valid (the LLM's key needs its provider in the file) gives a config.
    const { TRIAGE_LLM_API_KEY: _needsFile, ...secrets } = SECRETS;
    expect(loadConfig({ TRIAGE_CONFIG: EMPTY_FILE, ...PLAIN, ...secrets })).toMatchObject({ ok: true });
  });
});
