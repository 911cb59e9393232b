import type { App } from '@slack/bolt';
import type { SlackHandlerDeps } from '../handler-deps.js';
import { forwardCommand } from './forward.js';

/**
 * `/doctor`: acked at once by forwardCommand; the checks run after the ack and the report comes
 * back through response_url (valid for 30 minutes, far longer than any check's deadline).
 */
export const DOCTOR_COMMAND = '/doctor';

export function registerDoctorCommand(app: App, deps: SlackHandlerDeps): void {
  app.command(DOCTOR_COMMAND, forwardCommand(deps));
}
