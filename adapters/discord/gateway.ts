import type { GatewayDispatchPayload, RESTOptions } from 'discord.js';
import type { Logger } from '../../src/observability/logger.js';
import { answerInteraction, parseInteraction, type InteractionDeps } from './interactions.js';
import type { Interaction } from './payloads.js';
import type { DiscordRest } from './rest.js';
import { apiBase } from './rest-client.js';

/**
 * One gateway session: a discord.js Client that receives commands and button clicks over
 * Discord's WebSocket instead of HTTP, for servers without a public URL. It asks for the Guilds
 * intent only (no privileged intents: Triage reads no messages or members over the gateway).
 * Each INTERACTION_CREATE is taken from the raw packet, so the same zod schemas parse it and the
 * same code answers it as over HTTP (answerInteraction in ./interactions.ts); the response goes to
 * POST /interactions/{id}/{token}/callback. There is no signature to check: the session itself
 * was opened with the bot token.
 */
export type GatewaySessionDeps = {
  token: string;
  apiUrl: string;
  /** Sends the callback: interaction endpoints are exempt from Discord's global limit. */
  rest: DiscordRest;
  interactions: InteractionDeps;
  logger: Logger;
  /** Too many reconnects in a window: this session stops and the caller decides what next. */
  onGiveUp(reason: string): void;
  /** At most this many reconnects (and resumes) in `reconnectWindowMs` before giving up. */
  maxReconnects?: number;
  reconnectWindowMs?: number;
  loginTimeoutMs?: number;
};

export type GatewayStatus = { connected: boolean; since?: Date; resumes: number; reconnects: number; interactions: number };

export type GatewaySession = { status(): GatewayStatus; destroy(): Promise<void> };

const MAX_RECONNECTS = 10;
const RECONNECT_WINDOW_MS = 10 * 60_000;

export async function openGatewaySession(deps: GatewaySessionDeps): Promise<GatewaySession> {
  // Loaded here, not at the top: the whole of discord.js costs every Triage process ~0.4 s of
  // start-up, and only a replica holding the gateway session needs its Client.
  const { Client, Events, GatewayDispatchEvents, GatewayIntentBits } = await import('discord.js');
  const { api, version } = apiBase(deps.apiUrl);
  const rest: Partial<RESTOptions> = {
    api,
    ...(version ? { version } : {}),
    // Late-bound, like adapters/discord/rest-client.ts: msw in tests and any patched fetch see the calls.
    makeRequest: ((url: string, init: RequestInit) => fetch(url, init)) as unknown as RESTOptions['makeRequest'],
  };
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest });
  const status: GatewayStatus = { connected: false, resumes: 0, reconnects: 0, interactions: 0 };
  const recent: number[] = [];
  let closed = false;

  const bounded = (what: string): void => {
    const now = Date.now();
    recent.push(now);
    while (recent.length > 0 && recent[0]! < now - (deps.reconnectWindowMs ?? RECONNECT_WINDOW_MS)) recent.shift();
    if (recent.length > (deps.maxReconnects ?? MAX_RECONNECTS) && !closed) {
      deps.logger.error({ reconnects: recent.length }, `Discord gateway: ${what} ${recent.length} times in ${Math.round((deps.reconnectWindowMs ?? RECONNECT_WINDOW_MS) / 60_000)} minutes; giving the session up`);
      deps.onGiveUp('too many reconnects');
    }
  };
  client.on(Events.ShardReconnecting, () => {
    status.connected = false;
    status.reconnects++;
    deps.logger.info({ reconnects: status.reconnects }, 'Discord gateway: connection lost, reconnecting');
    bounded('reconnected');
  });
  client.on(Events.ShardResume, (_shard, replayed) => {
    status.connected = true;
    status.resumes++;
    deps.logger.info({ resumes: status.resumes, replayed }, 'Discord gateway: session resumed');
  });
  client.on(Events.ShardReady, () => {
    status.connected = true;
    status.since = new Date();
    deps.logger.info('Discord gateway: session ready');
  });
  client.on(Events.ShardDisconnect, ({ code }) => {
    status.connected = false;
    // 4004 is a bad token, 4014 a privileged intent: discord.js will not try again, nor should we here.
    deps.logger.error({ code }, 'Discord gateway: closed for good by Discord (check the bot token)');
    if (!closed) deps.onGiveUp(`closed with code ${code}`);
  });
  client.on(Events.ShardError, (error) => deps.logger.warn({ err: error }, 'Discord gateway: connection error'));
  client.on(Events.Debug, (message) => deps.logger.debug({ discord: message }, 'Discord gateway'));
  client.on(Events.Raw, (packet: GatewayDispatchPayload) => {
    if (packet.t !== GatewayDispatchEvents.InteractionCreate) return;
    status.interactions++;
    void onInteraction(deps, packet.d);
  });

  try {
    await withDeadline(client.login(deps.token), deps.loginTimeoutMs ?? 30_000);
  } catch (error) {
    closed = true;
    await client.destroy();
    throw error;
  }
  return {
    status: () => ({ ...status }),
    destroy: async () => {
      closed = true;
      status.connected = false;
      await client.destroy();
    },
  };
}

/** One INTERACTION_CREATE: parsed like an HTTP body, answered by the same code, the answer sent to its callback. */
async function onInteraction(deps: GatewaySessionDeps, data: unknown): Promise<void> {
  const parsed = parseInteraction(JSON.stringify(data));
  if (!parsed.ok) {
    deps.logger.warn({ reason: parsed.error }, 'Discord gateway: an interaction Triage does not handle');
    return;
  }
  const interaction = parsed.interaction;
  let sent = false;
  let afterAck: ((sent: boolean) => Promise<void>) | undefined;
  try {
    const answer = await answerInteraction(deps.interactions, interaction);
    afterAck = answer.afterAck;
    sent = await callback(deps, interaction, answer.response);
  } catch (error) {
    deps.logger.error({ err: error, interaction: interaction.id }, 'Discord gateway: could not answer an interaction');
  } finally {
    // Always: the queued work waits for this, and holds its slot until told.
    await afterAck?.(sent);
  }
}

async function callback(deps: GatewaySessionDeps, interaction: Interaction, response: object): Promise<boolean> {
  const token = 'token' in interaction ? interaction.token : '';
  const done = await deps.rest.request('POST', `/interactions/${interaction.id}/${encodeURIComponent(token)}/callback`, response, { channelLabel: 'the interaction' });
  if (!done.ok) deps.logger.warn({ interaction: interaction.id, error: done.error }, 'Discord gateway: the interaction callback was refused; its work is not run');
  return done.ok;
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Discord gateway: no READY within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
