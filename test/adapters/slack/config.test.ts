import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { runTriageToExit } from '../../support/process.js';

const TOKEN = 'xoxb-1111-2222-secretsecret';
const SIGNING = 'signing-secret-do-not-print';
const load = (env: Record<string, string>) => loadConfig({ TRIAGE_CONFIG: '/dev/null', ...env });
const problems = (env: Record<string, string>) => {
  const loaded = load(env);
  return loaded.ok ? [] : loaded.error.problems;
};

describe('Slack configuration', () => {
  it('is off with no Slack settings at all', () => {
    const loaded = load({});
    expect(loaded.ok && loaded.value.slack).toEqual({ channels: {} });
  });

  it('is on in HTTP mode with bot token, signing secret and a channel', () => {
    const loaded = load({ SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SIGNING, SLACK_CHANNEL: 'C0OPS', SLACK_API_URL: 'http://127.0.0.1:9/api/' });
    expect(loaded.ok && loaded.value.slack).toEqual({ botToken: TOKEN, signingSecret: SIGNING, channel: 'C0OPS', apiUrl: 'http://127.0.0.1:9/api/', channels: {} });
  });

  it('is on in Socket Mode with bot token, app token and a channel', () => {
    expect(problems({ SLACK_BOT_TOKEN: TOKEN, SLACK_APP_TOKEN: 'xapp-1-secret', SLACK_CHANNEL: 'C0OPS' })).toEqual([]);
  });

  it.each([
    [{ SLACK_BOT_TOKEN: TOKEN }, 'SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode), SLACK_CHANNEL (or slack.channels in triage.config.yml)'],
    [{ SLACK_SIGNING_SECRET: SIGNING, SLACK_CHANNEL: 'C0OPS' }, 'SLACK_BOT_TOKEN'],
    [{ SLACK_APP_TOKEN: 'xapp-1-secret', SLACK_CHANNEL: 'C0OPS' }, 'SLACK_BOT_TOKEN'],
    [{ SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SIGNING }, 'SLACK_CHANNEL (or slack.channels in triage.config.yml)'],
  ])('half-configured %j fails naming exactly what is missing', (env, missing) => {
    expect(problems(env)).toEqual([`Slack is half-configured: missing ${missing}`]);
  });

  it('never echoes a token, even a malformed one', () => {
    const loaded = load({ SLACK_BOT_TOKEN: 'xoxp-user-token-secret', SLACK_SIGNING_SECRET: SIGNING, SLACK_CHANNEL: 'C0OPS' });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.error.message).toContain('SLACK_BOT_TOKEN: must be a bot token (xoxb-...); found (hidden)');
    expect(loaded.error.message).not.toContain('xoxp-user-token-secret');
  });

  it('start-up fails with the missing variables named and no secret printed', async () => {
    const { code, output } = await runTriageToExit({ TRIAGE_CONFIG: '/dev/null', PORT: '0', SLACK_BOT_TOKEN: TOKEN });
    expect(code).toBe(1);
    expect(output).toContain('Slack is half-configured: missing SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode), SLACK_CHANNEL');
    expect(output).not.toContain(TOKEN);
  });
});
