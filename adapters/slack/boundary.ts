import type { Logger } from 'pino';
import { APOLOGY } from '../../src/chat/answers.js';
import type { Respond } from './respond.js';


/**
 * The adapter's one error boundary (docs/architecture.md, conventions §6): whatever a handler throws after its ack, the
 * person gets a short private apology and the log gets the error with what was being done.
 * Nothing is dropped silently, and a failing apology is logged too.
 */
export async function withBoundary(
  deps: { logger: Logger; respond?: Respond },
  context: Record<string, unknown>,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    deps.logger.error({ err: error, ...context }, 'Slack handler failed');
    if (!deps.respond) return;
    try {
      await deps.respond({ response_type: 'ephemeral', replace_original: false, text: APOLOGY });
    } catch (apologyError) {
      deps.logger.error({ err: apologyError, ...context }, 'could not tell the Slack user their request failed');
    }
  }
}
