import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { runTriageToExit } from '../../support/process.js';

const TOKEN = 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.secret-discord-bot-token';
const KEY = 'ab'.repeat(32);
const APP = '1100000000000000001';
const CHANNEL = '1300000000000000003';
const load = (env: Record<string, string>) => loadConfig({ TRIAGE_CONFIG: '/dev/null', ...env });
const problems = (env: Record<string, string>) => {
  const loaded = load(env);
  return loaded.ok ? [] : loaded.error.problems;
};

describe('Discord configuration', () => {
  it('is off with no Discord settings at all', () => {
    const loaded = load({});
    expect(loaded.ok && loaded.value.discord).toEqual({ channels: {} });
  });

  it('is on with bot token, public key, application id and a channel (and takes a server id and API URL)', () => {
    const loaded = load({ DISCORD_BOT_TOKEN: TOKEN, DISCORD_PUBLIC_KEY: KEY, DISCORD_APPLICATION_ID: APP, DISCORD_CHANNEL: CHANNEL, DISCORD_GUILD_ID: '1200000000000000002', DISCORD_API_URL: 'http://127.0.0.1:9/api/v10' });
    expect(loaded.ok && loaded.value.discord).toEqual({ botToken: TOKEN, publicKey: KEY, applicationId: APP, channel: CHANNEL, guildId: '1200000000000000002', apiUrl: 'http://127.0.0.1:9/api/v10', channels: {} });
  });

  it.each([
    // No public key: gateway mode (DISCORD_GATEWAY=auto), which needs none.
    [{ DISCORD_BOT_TOKEN: TOKEN }, 'DISCORD_APPLICATION_ID, DISCORD_CHANNEL (or discord.channels in triage.config.yml)'],
    [{ DISCORD_BOT_TOKEN: TOKEN, DISCORD_GATEWAY: 'off', DISCORD_APPLICATION_ID: APP, DISCORD_CHANNEL: CHANNEL }, 'DISCORD_PUBLIC_KEY (or DISCORD_GATEWAY=auto for gateway mode)'],
    [{ DISCORD_PUBLIC_KEY: KEY, DISCORD_APPLICATION_ID: APP, DISCORD_CHANNEL: CHANNEL }, 'DISCORD_BOT_TOKEN'],
    [{ DISCORD_BOT_TOKEN: TOKEN, DISCORD_PUBLIC_KEY: KEY, DISCORD_APPLICATION_ID: APP }, 'DISCORD_CHANNEL (or discord.channels in triage.config.yml)'],
  ])('half-configured %j fails naming exactly what is missing', (env, missing) => {
    expect(problems(env)).toEqual([`Discord is half-configured: missing ${missing}`]);
  });

  it('takes DISCORD_GATEWAY on, off or auto, and says which when it is something else', () => {
    const loaded = load({ DISCORD_BOT_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP, DISCORD_CHANNEL: CHANNEL, DISCORD_GATEWAY: 'on' });
    expect(loaded.ok && loaded.value.discord.gateway).toBe('on');
    expect(problems({ DISCORD_BOT_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP, DISCORD_CHANNEL: CHANNEL, DISCORD_GATEWAY: 'yes' }).join()).toMatch(/DISCORD_GATEWAY/);
  });

  it('names a malformed public key or channel id precisely, and never echoes the token', () => {
    const loaded = load({ DISCORD_BOT_TOKEN: 'short', DISCORD_PUBLIC_KEY: 'not-hex', DISCORD_APPLICATION_ID: APP, DISCORD_CHANNEL: '#ops' });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.error.message).toContain('DISCORD_PUBLIC_KEY: must be the 64-hex-character Public Key from General Information; found "not-hex"');
    expect(loaded.error.message).toContain('DISCORD_CHANNEL: a Discord id (digits, e.g. 1234567890123456789); found "#ops"');
    expect(loaded.error.message).toContain('DISCORD_BOT_TOKEN: must be the bot token from the Developer Portal (Bot → Reset Token); found (hidden)');
    expect(loaded.error.message).not.toContain('"short"');
  });

  it('start-up fails with the missing variables named and no secret printed', async () => {
    const { code, output } = await runTriageToExit({ TRIAGE_CONFIG: '/dev/null', PORT: '0', DISCORD_BOT_TOKEN: TOKEN });
    expect(code).toBe(1);
    expect(output).toContain('Discord is half-configured: missing DISCORD_APPLICATION_ID, DISCORD_CHANNEL');
    expect(output).not.toContain(TOKEN);
  });
});
