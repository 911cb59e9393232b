import type { Logger } from 'pino';
import type { DiscordRest } from './rest.js';

/**
 * Triage's slash commands as Discord application commands: the same names as Slack's and the
 * core's list (a test holds them together), each with one optional `text` option for what
 * follows the command (`/incident text: declare Jira is down`).
 */
export const DISCORD_COMMANDS = [
  { name: 'triage', description: 'Triage help and status' },
  { name: 'doctor', description: 'Run the health checks: PASS/WARN/FAIL and what to do first' },
  { name: 'budget', description: 'Ask for a routine budget override (needs an approver)' },
  { name: 'audit', description: 'The latest actions and who took them' },
  { name: 'incident', description: 'Declare, follow and resolve incidents' },
  { name: 'postmortem', description: "An incident's post-mortem minutes" },
  { name: 'improve', description: "File an incident's preventive tickets (deduplicated)" },
] as const;

export const TEXT_OPTION = 'text';
const STRING = 3;

export const commandDefinitions = () =>
  DISCORD_COMMANDS.map((c) => ({
    name: c.name,
    description: c.description,
    type: 1,
    options: [{ type: STRING, name: TEXT_OPTION, description: `What to ask, e.g. "help" (/${c.name} help lists the options)`, required: false, max_length: 4000 }],
  }));

/**
 * Registers the commands at start-up: PUT replaces the whole list, so starting twice (or two
 * replicas) leaves the same list. In one server when DISCORD_GUILD_ID is set (they appear at
 * once), else globally. A failure is logged, not fatal: cards and buttons work without commands.
 */
export async function registerCommands(rest: DiscordRest, ids: { applicationId: string; guildId?: string }, logger: Pick<Logger, 'info' | 'warn'>): Promise<boolean> {
  const path = ids.guildId ? `/applications/${ids.applicationId}/guilds/${ids.guildId}/commands` : `/applications/${ids.applicationId}/commands`;
  const done = await rest.request('PUT', path, commandDefinitions(), { channelLabel: 'the application commands' });
  if (done.ok) {
    logger.info({ commands: DISCORD_COMMANDS.length, scope: ids.guildId ? 'guild' : 'global' }, 'Discord slash commands registered');
    return true;
  }
  logger.warn({ reason: 'message' in done.error ? done.error.message : done.error.code }, 'Discord slash commands could not be registered; cards and buttons still work. Check DISCORD_APPLICATION_ID and the bot token');
  return false;
}
