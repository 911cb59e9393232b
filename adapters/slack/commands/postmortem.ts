import type { App } from '@slack/bolt';
import type { SlackHandlerDeps } from '../handler-deps.js';
import { forwardCommand } from './forward.js';

/** `/postmortem`: acked at once; the core's /postmortem answers after the ack through response_url. */
export const POSTMORTEM_COMMAND = '/postmortem';

export function registerPostmortemCommand(app: App, deps: SlackHandlerDeps): void {
  app.command(POSTMORTEM_COMMAND, forwardCommand(deps));
}
