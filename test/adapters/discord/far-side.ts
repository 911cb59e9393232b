import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { http, HttpResponse, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import type { DiscordConfig } from '../../../src/config.js';

/**
 * Discord's far side for the interactions tests: msw answers its REST API (messages, threads,
 * interaction webhooks, command registration) like Discord, and a real Ed25519 key pair signs
 * interactions as Discord does. Requests to Triage itself (127.0.0.1) pass through.
 */
export const DISCORD_API = 'http://discord.test/api/v10';
export const APP_ID = '1100000000000000001';
export const GUILD_ID = '1200000000000000002';
export const OPS_CHANNEL = '1300000000000000003';
export const BOT_TOKEN = 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.bot-token-for-tests.secret';

export type Call = { method: string; path: string; body: unknown; auth: string | null; answeredId?: string };

export function createDiscordFarSide() {
  const calls: Call[] = [];
  let nextId = 1_400_000_000_000_000_000n;
  const record = async (request: Request, path: string) => {
    const text = await request.text();
    const call: Call = { method: request.method, path, body: text ? (JSON.parse(text) as unknown) : undefined, auth: request.headers.get('authorization') };
    calls.push(call);
    return call;
  };
  const path = (request: Request) => new URL(request.url).pathname.replace('/api/v10', '');
  const server = setupServer(
    http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()),
    http.all(`${DISCORD_API}/*`, async ({ request }) => {
      const p = path(request);
      await record(request, p);
      if (p === '/users/@me') return HttpResponse.json({ id: APP_ID, username: 'Triage' });
      if (request.method === 'PUT' && p.endsWith('/commands')) return HttpResponse.json([]);
      const thread = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(p);
      if (thread) return HttpResponse.json({ id: thread[2], type: 11 });
      const channel = /^\/channels\/(\d+)\/messages/.exec(p);
      const id = request.method === 'PATCH' ? p.split('/').pop()! : String(nextId++);
      calls[calls.length - 1]!.answeredId = id;
      return HttpResponse.json({ id, channel_id: channel?.[1] ?? OPS_CHANNEL });
    }),
  );
  return {
    calls,
    listen: () => server.listen({ onUnhandledRequest: 'error' }),
    close: () => server.close(),
    where: (method: string, pattern: RegExp) => calls.filter((c) => c.method === method && pattern.test(c.path)),
  };
}
export type DiscordFarSide = ReturnType<typeof createDiscordFarSide>;

/** Discord's signing key pair for these tests, and the public key as the Developer Portal shows it. */
export function signingKeys(): { privateKey: KeyObject; publicKeyHex: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return { privateKey, publicKeyHex: Buffer.from(jwk.x!, 'base64url').toString('hex') };
}

export function discordConfig(publicKeyHex: string): DiscordConfig {
  return { botToken: BOT_TOKEN, publicKey: publicKeyHex, applicationId: APP_ID, guildId: GUILD_ID, apiUrl: DISCORD_API, channel: OPS_CHANNEL, channels: {} };
}

/** POSTs an interaction signed like Discord: Ed25519 over timestamp + raw body. */
export async function postInteraction(url: string, privateKey: KeyObject, body: unknown, options: { timestamp?: number; signature?: string; raw?: string } = {}) {
  const raw = options.raw ?? JSON.stringify(body);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = options.signature ?? sign(null, Buffer.from(timestamp + raw), privateKey).toString('hex');
  return fetch(`${url}/discord/interactions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp }, body: raw });
}

let seq = 0;
const member = (userId: string, roles: string[] = []) => ({ user: { id: userId, username: `user${userId.slice(-3)}`, global_name: userId === '1500000000000000001' ? 'James' : null }, roles });

export function commandInteraction(name: string, text?: string, userId = '1500000000000000001', roles: string[] = []) {
  return {
    id: String(1_600_000_000_000_000_000n + BigInt(++seq)),
    application_id: APP_ID,
    type: 2,
    token: `interaction-token-${seq}`,
    guild_id: GUILD_ID,
    channel_id: OPS_CHANNEL,
    member: member(userId, roles),
    data: { id: '1', name, type: 1, ...(text === undefined ? {} : { options: [{ name: 'text', type: 3, value: text }] }) },
  };
}

export function buttonInteraction(customId: string, messageId: string, userId = '1500000000000000001', roles: string[] = []) {
  return {
    id: String(1_600_000_000_000_000_000n + BigInt(++seq)),
    application_id: APP_ID,
    type: 3,
    token: `interaction-token-${seq}`,
    guild_id: GUILD_ID,
    channel_id: OPS_CHANNEL,
    member: member(userId, roles),
    data: { custom_id: customId, component_type: 2 },
    message: { id: messageId, channel_id: OPS_CHANNEL },
  };
}
