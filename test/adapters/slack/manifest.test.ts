import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SLACK_COMMANDS, SLACK_EVENTS_PATH } from '../../../adapters/slack/bolt-app.js';
import { createCommands } from '../../../src/commands/index.js';
import { packageRoot } from '../../../src/paths.js';
import { unusedCommandDeps } from '../../commands/support.js';

/** The manifest names the routes and commands the adapter really serves, with the smallest scopes. */
const Manifest = z.object({
  _metadata: z.object({ major_version: z.literal(1) }),
  display_information: z.object({ name: z.string().min(1).max(35) }),
  features: z.object({
    bot_user: z.object({ display_name: z.string().min(1).max(80) }),
    slash_commands: z.array(z.object({ command: z.string(), url: z.url(), description: z.string().min(1), should_escape: z.boolean() })),
  }),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()) }) }),
  settings: z.object({ interactivity: z.object({ is_enabled: z.boolean(), request_url: z.url() }), socket_mode_enabled: z.boolean() }),
});

describe('manifest.yml', () => {
  const manifest = Manifest.parse(parse(readFileSync(join(packageRoot(), 'manifest.yml'), 'utf8')));
  const url = `https://triage.example.com${SLACK_EVENTS_PATH}`;

  it('registers every command the adapter has an entry for, and interactivity, at the one events route', () => {
    expect(manifest.features.slash_commands.map((c) => [c.command, c.url])).toEqual(SLACK_COMMANDS.map((c) => [c, url]));
    expect(manifest.settings.interactivity).toMatchObject({ is_enabled: true, request_url: url });
    expect(manifest.features.bot_user.display_name).toBe('Triage');
  });

  it('registers every command the core knows, so none is unreachable from Slack', () => {
    const core = createCommands(unusedCommandDeps).list().map((c) => `/${c.name}`);
    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual(core.sort());
  });

  it('asks for chat:write, commands, usergroups:read (roles by user group) and users:read (names, adapters/slack/people.ts) only', () => {
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(['chat:write', 'commands', 'usergroups:read', 'users:read']);
  });
});
