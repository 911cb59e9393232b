import type { App } from '@slack/bolt';
import type { SlackHandlerDeps } from '../handler-deps.js';
import { forwardCommand } from './forward.js';

/**
 * The slash commands manifest.yml registers (a test holds the two to the core's command list).
 * Every one means the same thing to this adapter: ack, then hand the text to the core's one
 * command list (src/commands/), where each use case has its own entry.
 */
export const SLACK_COMMANDS = ['/triage', '/doctor', '/budget', '/audit', '/incident', '/postmortem', '/improve'] as const;

/**
 * One listener for all of them: Bolt runs every registered listener's matchers on every request
 * before the ack, so a listener per command cost the ack path measurably (bench/ack: about half
 * the CPU per ack went to eight listeners). Unregistered commands never arrive: Slack only sends
 * the ones in the manifest, and the core answers any other precisely.
 */
export function registerCommands(app: App, deps: SlackHandlerDeps): void {
  app.command(/^\/.+/, forwardCommand(deps));
}
