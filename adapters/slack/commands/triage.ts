import type { App } from '@slack/bolt';
import type { SlackHandlerDeps } from '../handler-deps.js';
import { forwardCommand } from './forward.js';

/** `/triage`: the command manifest.yml registers; the core's command list answers it. */
export const TRIAGE_COMMAND = '/triage';

export function registerTriageCommand(app: App, deps: SlackHandlerDeps): void {
  app.command(TRIAGE_COMMAND, forwardCommand(deps));
}
