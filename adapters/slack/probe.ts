import type { webApi } from '@slack/bolt';
import { err, ok, type Result } from '../../src/result.js';

/**
 * Doctor's question to Slack: is the bot token still good? auth.test answers with the workspace
 * and bot it belongs to. The WebClient takes no AbortSignal, so the abort is raced: Doctor's
 * deadline wins and the call's own timeout ends the request later.
 */
export function slackTokenProbe(client: webApi.WebClient) {
  return {
    name: 'Slack bot token',
    async probe(signal: AbortSignal): Promise<Result<string, string>> {
      // Not an answer about the token: thrown, so Doctor says "could not be checked", not "rejected".
      const aborted = new Promise<Result<string, string>>((_resolve, reject) => {
        const stop = () => reject(new Error('no answer from Slack in time'));
        if (signal.aborted) stop();
        else signal.addEventListener('abort', stop, { once: true });
      });
      const call = client.auth.test().then(
        (answer): Result<string, string> => ok(`workspace ${answer.team ?? answer.team_id ?? '?'}, bot ${answer.user ?? '?'}`),
        (error: unknown): Result<string, string> => {
          const refused = slackRefusal(error);
          if (refused) return err(refused);
          throw new Error(`could not reach Slack: ${(error as Error).message ?? 'request failed'}`);
        },
      );
      return Promise.race([call, aborted]);
    },
  };
}

/** Slack's own "no" about the token, with what to do; undefined when Slack did not answer. */
function slackRefusal(error: unknown): string | undefined {
  const code = (error as { data?: { error?: string } }).data?.error;
  if (!code) return undefined;
  if (code === 'invalid_auth' || code === 'not_authed' || code === 'token_revoked' || code === 'account_inactive') {
    return `${code} (set SLACK_BOT_TOKEN to the app's current Bot User OAuth Token)`;
  }
  return code;
}
