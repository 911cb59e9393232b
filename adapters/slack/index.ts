import type { ChatAdapterContext, ChatAdapterFactory } from '../../src/chat/adapter.js';
import type { SlackConfig } from '../../src/config.js';
import type { Route } from '../../src/http/router.js';
import { createBolt, registerHandlers, SLACK_EVENTS_PATH } from './bolt-app.js';
import { slackChannels } from './channels.js';
import { slackHomeSurface } from './home.js';
import { createSlackChatPort } from './chat-port.js';
import { slackPeople } from './people.js';
import { slackTokenProbe } from './probe.js';
import { answerAt } from './reply.js';
import { createResponder } from './respond.js';
import { verifiedSlackListener } from './signature.js';
import { slackGroupsOf } from './user-groups.js';
import { createWebClient } from './web-client.js';

/**
 * Slack as a chat adapter: a ChatPort over the Web API for the outbox, and Bolt for what people
 * do in Slack — at POST /slack/events on Triage's own server, or over Socket Mode.
 */
export function createSlackAdapter(config: SlackConfig, options: { groupIds?: string[] } = {}): ChatAdapterFactory {
  return ({ logger: parent, work }) => {
    const logger = parent.child({ adapter: 'slack' });
    const channels = slackChannels(config);
    const client = createWebClient(config, logger);
    const port = createSlackChatPort({ client, channels, logger });
    const bolt = createBolt(config, logger);
    const responder = createResponder();
    const people = slackPeople(client, { onError: (problem, user) => logger.warn({ ...problem, user }, "could not read a Slack member's name (users.info); their handle is shown until it answers") });
    let started = false;

    const routes = (ctx: ChatAdapterContext): Route[] => {
      registerHandlers(bolt.app, {
        interactions: ctx.interactions,
        work,
        responder,
        channels,
        defaultChannel: ctx.channels[0] ?? 'ops',
        home: ctx.home,
        ...(ctx.threadNotes ? { threadNotes: ctx.threadNotes } : {}),
        logger,
        people,
      });
      if (bolt.socket) {
        started = true;
        bolt.app.start().then(
          () => logger.info('Slack connected over Socket Mode'),
          (error: unknown) => logger.error({ err: error }, 'Slack Socket Mode could not connect; check SLACK_APP_TOKEN'),
        );
        return [];
      }
      const listener = verifiedSlackListener(bolt.http!.requestListener, {
        secrets: { current: config.signingSecret ?? '', previous: config.signingSecretPrevious },
        logger,
        previousSecretUsed: ctx.previousSecretUsed,
      });
      return [{ method: 'POST', path: SLACK_EVENTS_PATH, handler: listener }];
    };

    return {
      port,
      routes,
      probe: slackTokenProbe(client),
      home: slackHomeSurface(client),
      answerLater: (address, reply) => answerAt({ responder, client }, address, reply),
      ...(options.groupIds?.length
        ? { groupsOf: slackGroupsOf(client, options.groupIds, { onError: (error, group) => logger.warn({ err: error, group }, 'could not read a Slack user group; its members count as viewers until it answers') }) }
        : {}),
      // Waits for Slack's side of the socket to close, so a stop is a normal closure (1000) and
      // no reconnect starts behind it; the core bounds the wait.
      close: async () => {
        responder.close();
        if (!started) return;
        await bolt.socket!.client.disconnect().catch((error: unknown) => logger.warn({ err: error }, 'Slack Socket Mode did not stop cleanly'));
      },
    };
  };
}
