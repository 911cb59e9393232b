import type { App } from '@slack/bolt';
import type { SlackHandlerDeps } from '../handler-deps.js';
import { forwardCommand } from './forward.js';

/** `/budget`: acked at once; the core's /budget answers privately through response_url. */
export const BUDGET_COMMAND = '/budget';

export function registerBudgetCommand(app: App, deps: SlackHandlerDeps): void {
  app.command(BUDGET_COMMAND, forwardCommand(deps));
}
