import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ChatAdapterFactory } from '../../src/chat/adapter.js';
import { createWorkQueue } from '../../src/chat/work-queue.js';
import { discordUsesGateway, type DiscordConfig } from '../../src/config.js';
import { discordChannels } from './channels.js';
import { confirmations } from './confirm.js';
import { createDiscordChatPort } from './chat-port.js';
import { registerCommands } from './commands.js';
import { followUps } from './follow-up.js';
import { openGatewaySession } from './gateway.js';
import { gatewayHolder, withGatewayStatus, type GatewayHolder } from './gateway-lease.js';
import { answerAt, DISCORD_INTERACTIONS_PATH, interactionsHandler } from './interactions.js';
import { memberRoles } from './member-roles.js';
import { discordTokenProbe } from './probe.js';
import { renderCard } from './render.js';
import { createDiscordRest, DISCORD_API_URL } from './rest.js';
import { interactionVerifier } from './verify.js';

export { DISCORD_INTERACTIONS_PATH };

/** As Slack's: well under the database pool, and a burst of 64 people at once is served. */
const CONCURRENCY = 8;
const CAPACITY = 64;

/**
 * Discord as a chat adapter: a ChatPort over its REST API for the outbox, and its interactions
 * endpoint (commands and buttons, signed with Ed25519) at POST /discord/interactions on
 * Triage's one server; or, in gateway mode (DISCORD_GATEWAY, adapters/discord/gateway.ts), the
 * same commands and buttons over Discord's gateway, held by one replica at a time.
 */
export function createDiscordAdapter(config: DiscordConfig): ChatAdapterFactory {
  return ({ database, logger: parent, work }) => {
    const logger = parent.child({ adapter: 'discord' });
    // 7 s a call: the first reply in a thread makes two, and both must fit the outbox's 15 s delivery timeout.
    // The logger hears Discord's 429s and the count of invalid requests before its hour-long ban.
    const rest = createDiscordRest({ token: config.botToken ?? '', timeoutMs: 7_000, logger, ...(config.apiUrl ? { apiUrl: config.apiUrl } : {}) });
    const channels = discordChannels(config);
    const roles = memberRoles();
    const queue = createWorkQueue({
      concurrency: CONCURRENCY,
      capacity: CAPACITY,
      onError: (error) => logger.error({ err: error }, 'Discord post-ack work threw past its boundary'),
    });
    const answers = { followUps: followUps(rest, config.applicationId ?? ''), render: renderCard };
    let gateway: GatewayHolder | undefined;
    const probe = discordTokenProbe(rest);
    return {
      port: createDiscordChatPort({ rest, channels, render: renderCard, logger }),
      routes: (ctx) => {
        void registerCommands(rest, { applicationId: config.applicationId ?? '', ...(config.guildId ? { guildId: config.guildId } : {}) }, logger);
        const entry = {
          interactions: ctx.interactions,
          channels,
          defaultChannel: ctx.channels[0] ?? 'ops',
          ...answers,
          roles,
          confirmations: confirmations(database),
          queue,
          work,
          logger,
        };
        if (discordUsesGateway(config)) {
          const holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
          const open = (onGiveUp: (reason: string) => void) =>
            openGatewaySession({ token: config.botToken ?? '', apiUrl: config.apiUrl ?? DISCORD_API_URL, rest, interactions: entry, logger, onGiveUp });
          gateway = gatewayHolder({ database, holder, logger, open });
          void gateway.start();
        }
        if (!config.publicKey) return [];
        const handler = interactionsHandler({ verify: interactionVerifier(config.publicKey), ...entry });
        return [{ method: 'POST', path: DISCORD_INTERACTIONS_PATH, handler }];
      },
      probe: { name: probe.name, probe: (signal) => (gateway ? withGatewayStatus(probe.probe(signal), gateway) : probe.probe(signal)) },
      groupsOf: roles.groupsOf,
      answerLater: (address, reply) => answerAt(answers, address, reply),
      close: () => gateway?.stop(),
    };
  };
}
