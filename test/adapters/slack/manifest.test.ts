import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SLACK_COMMANDS, SLACK_EVENTS_PATH } from '../../../adapters/slack/bolt-app.js';
import { SLACK_EVENT_TYPES } from '../../../adapters/slack/events/index.js';
import { createCommands } from '../../../src/commands/index.js';
import { packageRoot } from '../../../src/paths.js';
import { unusedCommandDeps } from '../../commands/support.js';

/** The manifest names the routes and commands the adapter really serves, with the smallest scopes. */
const Manifest = z.object({
  _metadata: z.object({ major_version: z.literal(1) }),
  display_information: z.object({ name: z.string().min(1).max(35) }),
  features: z.object({
    app_home: z.object({ home_tab_enabled: z.boolean(), messages_tab_enabled: z.boolean() }),
    bot_user: z.object({ display_name: z.string().min(1).max(80) }),
    slash_commands: z.array(z.object({ command: z.string(), url: z.url(), description: z.string().min(1), should_escape: z.boolean() })),
  }),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()) }) }),
  settings: z.object({
    interactivity: z.object({ is_enabled: z.boolean(), request_url: z.url() }),
    event_subscriptions: z.object({ request_url: z.url(), bot_events: z.array(z.string()) }),
    socket_mode_enabled: z.boolean(),
  }),
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

  it('asks for chat:write, commands, usergroups:read (roles by user group), users:read (names, adapters/slack/people.ts) and channels/groups:history (incident threads) only', () => {
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(['channels:history', 'chat:write', 'commands', 'groups:history', 'usergroups:read', 'users:read']);
  });

  it('subscribes to exactly the events Triage listens to (adapters/slack/events/index.ts), at /slack/events', () => {
    const events = manifest.settings.event_subscriptions;
    expect(events.request_url).toMatch(/\/slack\/events$/);
    // message.channels and message.groups both arrive as events of type "message".
    const types = new Set(events.bot_events.map((e) => e.replace(/\..*$/, '')));
    expect([...types].sort()).toEqual([...SLACK_EVENT_TYPES].sort());
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    // A Home press is answered in the person's DM with the app (adapters/slack/reply.ts dmRespond).
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
  });
});
