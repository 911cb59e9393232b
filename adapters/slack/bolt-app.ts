import { App, HTTPReceiver, SocketModeReceiver, type Receiver } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackConfig } from '../../src/config.js';
import { registerButtons } from './actions/button.js';
import { registerCommands, SLACK_COMMANDS } from './commands/index.js';
import { registerHomeEvents, type HomeEventDeps } from './events/home.js';
import { registerThreadEvents, type ThreadEventDeps } from './events/thread.js';
import type { SlackHandlerDeps } from './handler-deps.js';
import { slackLogger, webClientOptions } from './web-client.js';

export const SLACK_EVENTS_PATH = '/slack/events';

export { SLACK_COMMANDS };

export type SlackBolt = { app: App; http?: HTTPReceiver; socket?: SocketModeReceiver };

/**
 * Bolt, on Triage's one HTTP server: HTTPReceiver is used only for its requestListener (body
 * parsing, ack), never started, so it opens no port of its own. Signatures and timestamps are
 * checked before it, against the current and the previous signing secret
 * (adapters/slack/signature.ts): Bolt's own check knows one secret. With an app token it is
 * Socket Mode instead, with no route at all.
 */
export function createBolt(config: SlackConfig, logger: Logger): SlackBolt {
  const log = slackLogger(logger) as never;
  // installerOptions.clientOptions is how the receiver's own WebClient (apps.connections.open)
  // gets SLACK_API_URL and the timeout, like every other Slack call here; its retries differ.
  const socket = config.appToken
    ? new SocketModeReceiver({ appToken: config.appToken, logger: log, installerOptions: { clientOptions: connectionClientOptions(config) } })
    : undefined;
  const http = socket
    ? undefined
    : new HTTPReceiver({
        signingSecret: config.signingSecret ?? '',
        // Checked before Bolt sees the request, by verifiedSlackListener (adapters/slack/signature.ts).
        signatureVerification: false,
        endpoints: [SLACK_EVENTS_PATH, `${SLACK_EVENTS_PATH}/`],
        // Ack is sent the moment a handler calls ack(); the work continues after the response.
        processBeforeResponse: false,
        logger: log,
      });
  const receiver: Receiver = (socket ?? http)!;
  const botToken = config.botToken ?? '';
  const app = new App({
    receiver,
    // A fixed authorize instead of `token`: Bolt would otherwise call auth.test on every start.
    authorize: async () => ({ botToken }),
    // Bolt's default conversation store costs every request (an Error built per lookup) and
    // nothing here uses conversation state.
    convoStore: false,
    clientOptions: webClientOptions(config),
    logger: log,
  });
  return { app, http, socket };
}

/**
 * apps.connections.open has no outbox behind it to retry: the SocketModeClient takes an HTTP or
 * network error from it as final. At start that leaves Triage never connected; after Slack's
 * routine `disconnect` (it recycles every socket every few hours) it is an unhandled rejection
 * and no reconnect. So this one call rides out a bad few minutes itself, rate limits included.
 */
export const CONNECTION_RETRIES = { retries: 30, factor: 1.5, minTimeout: 1_000, maxTimeout: 30_000 };

const connectionClientOptions = (config: SlackConfig) => ({ ...webClientOptions(config), retryConfig: CONNECTION_RETRIES, rejectRateLimitedCalls: false });

/** One registration per entry; each entry file owns its listener. */
export function registerHandlers(app: App, deps: SlackHandlerDeps & Partial<Pick<HomeEventDeps, 'home'> & Pick<ThreadEventDeps, 'threadNotes'>>): void {
  registerCommands(app, deps);
  registerButtons(app, deps);
  if (deps.home) registerHomeEvents(app, { home: deps.home, logger: deps.logger });
  if (deps.threadNotes) registerThreadEvents(app, { threadNotes: deps.threadNotes, people: deps.people, logger: deps.logger });
  app.error(async (error) => {
    deps.logger.error({ err: error }, 'Slack request failed inside Bolt');
  });
}
