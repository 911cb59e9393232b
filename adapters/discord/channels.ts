/**
 * Logical channels (routing's 'ops', 'leads') are Triage's; Discord wants channel ids
 * (snowflakes). The map names specific ones, DISCORD_CHANNEL takes the rest.
 */
export type DiscordChannelsConfig = { channel?: string; channels: Record<string, string> };

export type DiscordChannels = {
  /** The Discord channel id for a logical channel, or undefined when nothing is configured for it. */
  resolve(logical: string): string | undefined;
  /** The logical channel for a Discord channel id: a mapped name, else the id itself. */
  logicalOf(channelId: string, fallback: string): string;
};

export function discordChannels(config: DiscordChannelsConfig): DiscordChannels {
  const byId = new Map(Object.entries(config.channels).map(([logical, id]) => [id, logical]));
  return {
    resolve: (logical) => config.channels[logical] ?? config.channel,
    // DISCORD_CHANNEL stands for every unmapped logical channel, so it maps back to the default.
    logicalOf: (id, fallback) => byId.get(id) ?? (id === config.channel ? fallback : id),
  };
}

/** Discord ids are decimal snowflakes; anything else must never reach a request path. */
export const isSnowflake = (id: string): boolean => /^\d{1,20}$/.test(id);

/**
 * A posted message's id carries its Discord channel: `${channelId}:${messageId}`. An update then
 * goes to where the message really is (a thread is a channel of its own), even if the channel
 * map changed since it was posted.
 */
export const messageIdOf = (channelId: string, messageId: string): string => `${channelId}:${messageId}`;

/** Both halves must be snowflakes: a hand-edited outbox row cannot steer a request elsewhere. */
export function parseMessageId(messageId: string): { channel: string; message: string } | undefined {
  const [channel, message, ...rest] = messageId.split(':');
  if (rest.length > 0 || !channel || !message || !isSnowflake(channel) || !isSnowflake(message)) return undefined;
  return { channel, message };
}
