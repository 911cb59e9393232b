import type { App } from '@slack/bolt';
import type { SlackHandlerDeps } from '../handler-deps.js';
import { forwardCommand } from './forward.js';

/** `/incident`: acked at once; the core's /incident answers after the ack through response_url. */
export const INCIDENT_COMMAND = '/incident';

export function registerIncidentCommand(app: App, deps: SlackHandlerDeps): void {
  app.command(INCIDENT_COMMAND, forwardCommand(deps));
}
