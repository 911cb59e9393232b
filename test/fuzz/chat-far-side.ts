import { sign, type KeyObject } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { pino } from 'pino';
import { createConsoleAdapter } from '../../adapters/console/index.js';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import { createSlackAdapter } from '../../adapters/slack/index.js';
import { parseActionId } from '../../src/chat/action-id.js';
import { parseBudgetRequest } from '../../src/commands/budget.js';
import { parseSections } from '../../src/doctor/sections.js';
import { DISCORD_API, discordConfig, signingKeys } from '../adapters/discord/far-side.js';
import { createSlackFarSide, slackConfig, type SlackFarSide } from '../adapters/slack/support.js';
import { startTestTriage, type TestTriage } from '../support/triage.js';

/**
 * One real Triage with Slack, Discord and the console on, and one msw far side for both chat
 * platforms (msw allows one interceptor per process): Slack's Web API and response_url from
 * test/adapters/slack/support.ts, Discord's REST API and interaction webhooks added to it.
 */
export type WebhookCall = { method: string; token: string; original: boolean; body: { content?: string; flags?: number } };

export type ChatFuzz = {
  triage: TestTriage;
  slack: SlackFarSide;
  /** Follow-ups Discord received through interaction webhooks. */
  webhooks: WebhookCall[];
  discordKey: KeyObject;
  close(): Promise<void>;
};

export async function startChatFuzz(): Promise<ChatFuzz> {
  const slack = createSlackFarSide();
  const webhooks: WebhookCall[] = [];
  const hook = /\/webhooks\/\d+\/([^/]+)(\/messages\/@original)?$/;
  slack.server.use(
    http.all(`${DISCORD_API}/*`, async ({ request }) => {
      const path = new URL(request.url).pathname;
      const text = await request.text();
      const match = hook.exec(path);
      if (match) webhooks.push({ method: request.method, token: decodeURIComponent(match[1]!), original: Boolean(match[2]), body: text ? (JSON.parse(text) as WebhookCall['body']) : {} });
      if (request.method === 'PUT' && path.endsWith('/commands')) return HttpResponse.json([]);
      return HttpResponse.json({ id: '1400000000000000001', channel_id: '1300000000000000003' });
    }),
  );
  slack.listen();
  const keys = signingKeys();
  const triage = await startTestTriage('pglite', { outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0, baseBackoffMs: 50 } } as never, {
    // FUZZ_LOG=warn shows what Triage logged while a property failed.
    logger: pino({ level: process.env.FUZZ_LOG ?? 'silent' }),
    adapters: [createSlackAdapter(slackConfig()), createDiscordAdapter(discordConfig(keys.publicKeyHex)), createConsoleAdapter],
  });
  return {
    triage,
    slack,
    webhooks,
    discordKey: keys.privateKey,
    close: async () => {
      await triage.close();
      slack.close();
    },
  };
}

/** POSTs a raw body to /discord/interactions signed as Discord signs it. */
export function postDiscord(url: string, key: KeyObject, raw: string): Promise<Response> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = sign(null, Buffer.from(timestamp + raw), key).toString('hex');
  return fetch(`${url}/discord/interactions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp }, body: raw });
}

/** Polls until `found` returns something, or gives undefined after `ms`. */
export async function waitFor<T>(found: () => T | undefined, ms = 5_000): Promise<T | undefined> {
  const until = Date.now() + ms;
  for (;;) {
    const value = found();
    if (value !== undefined || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * Buttons whose ids parse but name nothing that exists: they reach the core and must come back
 * as words. Buttons that could act (a restart, a skip) are never generated: this suite checks
 * what garbage does, and acting is other tests' business. Nor are Approve and Deny: a refused
 * decision is audited by design, so it writes a row even for an approval that does not exist.
 */
export const HARMLESS_BUTTONS = [
  'v1|dismiss|insight:999999',
  'v1|acknowledge|insight:999999',
  'v1|view_logs|approval:999999',
  'v1|rerun_doctor|doctor:999999',
  'v1|resolve_incident|incident:999999',
];
const HARMLESS_ACTIONS = new Set(HARMLESS_BUTTONS.map((id) => id.split('|')[1]!));

/** A button value that cannot act: unparseable, or one of the harmless actions. */
export const cannotAct = (id: string): boolean => {
  const parsed = parseActionId(id.replace(/^[?]/, ''));
  return !parsed.ok || HARMLESS_ACTIONS.has(parsed.value.action);
};

/** A command line that would do something (run Doctor, open an incident, ask for money): left out, as acting buttons are. */
export function commandActs(command: string, text: string): boolean {
  const name = command.replace(/^\//, '').trim().toLowerCase();
  const [verb = '', ...rest] = text.trim().split(/\s+/).filter(Boolean);
  if (name === 'doctor') return text.trim().toLowerCase() !== 'help' && parseSections(text).ok;
  if (name === 'incident') return verb.toLowerCase() === 'declare';
  if (name === 'budget') return verb.toLowerCase() === 'request' && parseBudgetRequest(rest.join(' '), Number.MAX_SAFE_INTEGER).ok;
  return false;
}
