import type { SlackConfig } from '../../src/config.js';

/**
 * Logical channels (routing's 'ops', 'leads') are Triage's; Slack wants channel ids. The map
 * names specific ones, SLACK_CHANNEL takes the rest.
 */
export type SlackChannels = {
  /** The Slack channel id for a logical channel, or undefined when nothing is configured for it. */
  resolve(logical: string): string | undefined;
  /** The logical channel for a Slack channel id: a mapped name, else the id itself. */
  logicalOf(slackChannelId: string, fallback: string): string;
};

export function slackChannels(config: Pick<SlackConfig, 'channel' | 'channels'>): SlackChannels {
  const byId = new Map(Object.entries(config.channels).map(([logical, id]) => [id, logical]));
  return {
    resolve: (logical) => config.channels[logical] ?? config.channel,
    // SLACK_CHANNEL stands for every unmapped logical channel, so it maps back to the default.
    logicalOf: (id, fallback) => byId.get(id) ?? (id === config.channel ? fallback : id),
  };
}

/**
 * A posted message's id carries its Slack channel: `${channelId}:${ts}`. An update then goes to
 * where the message really is, even if the channel map changed since it was posted (resolving
 * the logical name again would send chat.update to the new channel and fail).
 */
export const messageIdOf = (channelId: string, ts: string): string => `${channelId}:${ts}`;

export function parseMessageId(messageId: string): { channel: string; ts: string } | undefined {
  const colon = messageId.indexOf(':');
  if (colon <= 0 || colon === messageId.length - 1) return undefined;
  return { channel: messageId.slice(0, colon), ts: messageId.slice(colon + 1) };
}
