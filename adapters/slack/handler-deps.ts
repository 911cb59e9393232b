import type { Logger } from 'pino';
import type { Interactions } from '../../src/chat/interactions.js';
import type { PendingWork } from '../../src/chat/pending-work.js';
import type { SlackChannels } from './channels.js';
import type { SlackPeople } from './people.js';
import type { Responder } from './respond.js';

/** What every Slack entry needs: the core's interactions and the adapter's own helpers. */
export type SlackHandlerDeps = {
  interactions: Interactions;
  /** Acknowledged work on record (and a redelivery's first sight): src/chat/pending-work.ts. */
  work: PendingWork;
  /** Answers through a request's response_url (with a timeout; Bolt's `respond` has none). */
  responder: Responder;
  channels: SlackChannels;
  /** Routing's default channel: what SLACK_CHANNEL stands for when a payload names it. */
  defaultChannel: string;
  logger: Logger;
  /**
   * Names people as Slack shows them (users.info, cached: adapters/slack/people.ts). The adapter
   * always wires it (adapters/slack/index.ts); entry tests that fake the core leave it out and get
   * the payload's handle.
   */
  people?: SlackPeople;
};
