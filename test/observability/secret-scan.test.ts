import { describe, expect, it } from 'vitest';
import { drainLeaks, findLeaks, secretsOf, watchOutput } from '../support/secret-scan.js';
import { runTriageToExit } from '../support/process.js';

/**
 * The scan every test file's output goes through (vitest.config.ts setupFiles): it must catch a
 * leak, or a quiet suite proves nothing. It reports names, never values.
 */
describe('the suite-wide secret scan', () => {
  const env = {
    INGEST_TOKEN: 'ingest-token-2f9c81d0a7',
    SLACK_APP_TOKEN: 'xapp-1-A0APP-123-abcdef0123',
    TRIAGE_LLM_API_KEY: 'llm-key-7d6c5b4a39281706',
    PLATFORM_URL: 'https://triage:pl%40tform-pass@platform.example.com/api',
    PORT: '3000',
  };

  it('finds every configured secret, URL passwords included, and only by name', () => {
    const log = `{"msg":"starting","token":"ingest-token-2f9c81d0a7","platform":"https://triage:pl@tform-pass@platform.example.com/api","key":"llm-key-7d6c5b4a39281706","app":"xapp-1-A0APP-123-abcdef0123","port":3000}`;
    const leaks = findLeaks(log, secretsOf(env));
    expect(leaks).toEqual(expect.arrayContaining(['INGEST_TOKEN', 'SLACK_APP_TOKEN', 'TRIAGE_LLM_API_KEY', "PLATFORM_URL's password", 'a Slack app token']));
    for (const leak of leaks) for (const value of Object.values(env)) expect(leak).not.toContain(value);
    expect(findLeaks('{"msg":"starting","port":3000,"platform":"https://platform.example.com/api"}', secretsOf(env))).toEqual([]);
  });

  it('finds secret-shaped strings nobody configured: Slack tokens, LLM keys, passwords in URLs', () => {
    expect(findLeaks('token xoxb-1234567890-abcdefghij')).toEqual(['a Slack token']);
    expect(findLeaks('key sk-ant-api03-abcdefghijklmnopqrstuvwx')).toEqual(['an LLM API key']);
    expect(findLeaks('postgres://triage:hunter22@db:5432/triage')).toEqual(['a password in a URL']);
    // What Triage prints instead is not a leak.
    expect(findLeaks('postgres://triage:***@db:5432/triage and token [redacted]')).toEqual([]);
  });

  it('reports a leaking process by its source when the file ends', () => {
    watchOutput('a process that prints its token', { INGEST_TOKEN: 'leaky-token-0123456789' }, () => 'ready, token leaky-token-0123456789');
    expect(drainLeaks()).toEqual(['a process that prints its token: INGEST_TOKEN']);
    expect(drainLeaks()).toEqual([]);
  });

  it('a real Triage refusing a bad configuration with every secret set prints none of them', async () => {
    const run = await runTriageToExit({ ...env, PORT: 'not-a-port', SLACK_BOT_TOKEN: 'xoxb-0000000000-secretbotvalue', DATABASE_URL: 'postgres://triage:db-pass-123@127.0.0.1:1/x' });
    expect(run.code).not.toBe(0);
    expect(findLeaks(run.output, secretsOf({ ...env, SLACK_BOT_TOKEN: 'xoxb-0000000000-secretbotvalue', DATABASE_URL: 'postgres://triage:db-pass-123@127.0.0.1:1/x' }))).toEqual([]);
  });
});
