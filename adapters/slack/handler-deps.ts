import type { Logger } from 'pino';
import type { Interactions } from '../../src/chat/interactions.js';
import type { SlackChannels } from './channels.js';
import type { Deliveries } from './deliveries.js';
import type { Responder } from './respond.js';

/** What every Slack entry needs: the core's interactions and the adapter's own helpers. */
export type SlackHandlerDeps = {
  interactions: Interactions;
  deliveries: Deliveries;
  /** Answers through a request's response_url (with a timeout; Bolt's `respond` has none). */
  responder: Responder;
  channels: SlackChannels;
  /** Routing's default channel: what SLACK_CHANNEL stands for when a payload names it. */
  defaultChannel: string;
  logger: Logger;
};
