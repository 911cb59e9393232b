import type { App } from '@slack/bolt';
import type { SlackHandlerDeps } from '../handler-deps.js';
import { forwardCommand } from './forward.js';

/** `/improve`: acked at once; the core's /improve answers after the ack through response_url. */
export const IMPROVE_COMMAND = '/improve';

export function registerImproveCommand(app: App, deps: SlackHandlerDeps): void {
  app.command(IMPROVE_COMMAND, forwardCommand(deps));
}
