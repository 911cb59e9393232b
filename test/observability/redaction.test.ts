import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { freePort, runTriageToExit, spawnTriage } from '../support/process.js';
import { stopAll } from '../support/replicas.js';

/** Every secret Triage can be given, each a value that appears nowhere else. */
const SECRETS = {
  INGEST_TOKEN: 'ingest-secret-value-1234567890',
  INGEST_TOKEN_PREVIOUS: 'ingest-previous-value-0987654321',
  PLATFORM_TOKEN: 'platform-token-value-5555',
  SLACK_BOT_TOKEN: 'xoxb-bot-token-value-6666',
  SLACK_APP_TOKEN: 'xapp-app-token-value-7777',
  SLACK_SIGNING_SECRET: 'signing-secret-value-8888',
  GITHUB_TOKEN: 'ghp_github-token-value-9999',
  TRIAGE_LLM_API_KEY: 'sk-llm-key-value-aaaa',
};
const URL_PASSWORD = 'url-password-value-bbbb';

/**
 * A triage.config.yml of its own, so a developer's file cannot change what is tested; with an LLM
 * section, which TRIAGE_LLM_API_KEY needs (the LLM is unreachable: nothing leaves the machine).
 */
const configFile = (content = 'insights: {}\n'): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'triage-redaction-')), 'triage.config.yml');
  writeFileSync(file, content);
  return file;
};
const WITH_LLM = 'incidents:\n  llm:\n    provider: openai\n    url: http://127.0.0.1:9/v1\n    model: gpt-4o-mini\n';

const leaked = (output: string) => [...Object.values(SECRETS), URL_PASSWORD].filter((value) => output.includes(value));

describe('secrets never reach the output', () => {
  it('a logged configuration shows none of its secrets, however deep', () => {
    const env = {
      ...SECRETS,
      SLACK_CHANNEL: 'C0123',
      GITHUB_REPOSITORY: 'acme/triage',
      PLATFORM_URL: `https://triage:${URL_PASSWORD}@platform.example`,
      DATABASE_URL: `postgres://triage:${URL_PASSWORD}@db.example/triage`,
      TRIAGE_CONFIG: configFile(WITH_LLM),
    };
    const config = loadConfig(env);
    expect(config.ok, JSON.stringify(config)).toBe(true);
    let output = '';
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => ((output += chunk.toString()), done()) });
    const logger = createLogger('debug', sink);
    logger.info({ config: config.ok ? config.value : null }, 'configuration');
    logger.info(config.ok ? config.value : {}, 'configuration, flat');
    expect(output.length).toBeGreaterThan(100);
    expect(leaked(output)).toEqual([]);
  });

  it('a configuration error names a bad secret without echoing it', () => {
    const result = loadConfig({ PLATFORM_URL: `ftp://triage:${URL_PASSWORD}@platform.example`, INGEST_TOKEN: 'short', TRIAGE_CONFIG: configFile() });
    expect(result.ok).toBe(false);
    const text = JSON.stringify(result);
    expect(text).toContain('PLATFORM_URL');
    expect(leaked(text)).toEqual([]);
    expect(text).not.toContain('short');
  });

  it('a real process with every secret set, Slack and the platform unreachable, logs none of them at debug', async () => {
    const dead = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'triage-redaction-'));
    const env = {
      ...SECRETS,
      LOG_LEVEL: 'debug',
      TRIAGE_DATA_DIR: dir,
      TRIAGE_CONFIG: configFile(WITH_LLM),
      SLACK_CHANNEL: 'C0123',
      SLACK_API_URL: `http://127.0.0.1:${dead}/api/`,
      GITHUB_REPOSITORY: 'acme/triage',
      PLATFORM_URL: `http://triage:${URL_PASSWORD}@127.0.0.1:${dead}/`,
    };
    const triage = await spawnTriage(env, 60_000);
    try {
      // Errors reaching Slack and the platform are logged meanwhile (with their URLs).
      await new Promise((resolve) => setTimeout(resolve, 4_000));
    } finally {
      await stopAll([triage]);
    }
    const output = triage.output();
    expect(output).toContain('using the platform at PLATFORM_URL');
    expect(leaked(output)).toEqual([]);
    // And a start-up that refuses its configuration prints none either.
    const refused = await runTriageToExit({ ...env, INGEST_TOKEN: 'too-short' });
    expect(refused.code).not.toBe(0);
    expect(leaked(refused.output)).toEqual([]);
  }, 90_000);
});
