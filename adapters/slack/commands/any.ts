import type { App } from '@slack/bolt';
import type { SlackHandlerDeps } from '../handler-deps.js';
import { forwardCommand } from './forward.js';

/**
 * Every other slash command the app registers (Slack only sends registered ones), forwarded to
 * the core, which answers unknown ones precisely. `except` keeps Bolt from running two listeners
 * for a command that has its own entry.
 */
export function registerOtherCommands(app: App, deps: SlackHandlerDeps, except: string[]): void {
  const own = new Set(except);
  app.command(/^\/.+/, async (args) => {
    if (own.has(args.command.command)) return;
    await forwardCommand(deps)(args);
  });
}
