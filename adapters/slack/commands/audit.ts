import type { App } from '@slack/bolt';
import type { SlackHandlerDeps } from '../handler-deps.js';
import { forwardCommand } from './forward.js';

/** `/audit`: acked at once; the core's /audit answers privately through response_url. */
export const AUDIT_COMMAND = '/audit';

export function registerAuditCommand(app: App, deps: SlackHandlerDeps): void {
  app.command(AUDIT_COMMAND, forwardCommand(deps));
}
