import { webApi } from '@slack/bolt';

// Through Bolt's re-export: @slack/web-api comes with Bolt and is not a dependency of its own.
const { ErrorCode } = webApi;
import type { ChatError } from '../../src/chat/port.js';

/**
 * Slack's failures in the outbox's terms, in one place. Permanent messages say what to do,
 * because they end up on a failed outbox row and in the log, where an operator reads them.
 */
const FIXES: Record<string, (channel: string) => string> = {
  channel_not_found: (c) => `Slack channel ${c} does not exist or the bot cannot see it: check SLACK_CHANNEL / slack.channels, and invite the bot (/invite @Triage in ${c})`,
  not_in_channel: (c) => `the bot is not in ${c}: invite it with /invite @Triage in that channel`,
  is_archived: (c) => `Slack channel ${c} is archived: unarchive it or route to another channel`,
  invalid_auth: () => 'Slack refused the bot token (invalid_auth): set SLACK_BOT_TOKEN to the app\'s current Bot User OAuth Token',
  not_authed: () => 'no Slack token was sent (not_authed): set SLACK_BOT_TOKEN',
  account_inactive: () => 'the Slack app was uninstalled or its token revoked (account_inactive): reinstall the app and update SLACK_BOT_TOKEN',
  token_revoked: () => 'the Slack token was revoked: reinstall the app and update SLACK_BOT_TOKEN',
  missing_scope: () => 'the Slack app lacks a scope (missing_scope): reinstall it from manifest.yml',
  message_not_found: (c) => `the message to update is gone from ${c} (deleted in Slack)`,
  cant_update_message: (c) => `Slack will not let the bot edit that message in ${c}`,
  invalid_blocks: () => 'Slack rejected the card\'s blocks (invalid_blocks): a renderer bug, see the card in the outbox row',
  msg_too_long: () => 'the card is too long for Slack (msg_too_long): a renderer bug',
};

/** Platform errors that say "later" rather than "never". */
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

export function toChatError(error: unknown, channel: string): ChatError {
  const coded = error as Partial<webApi.WebAPICallError> | undefined;
  switch (coded?.code) {
    case ErrorCode.RateLimitedError:
      return { code: 'rate_limited', retryAfterMs: Math.max(0, coded.retryAfter ?? 1) * 1000 };
    case ErrorCode.PlatformError: {
      const slackError = coded.data?.error ?? 'unknown_error';
      if (slackError === 'ratelimited') return { code: 'rate_limited', retryAfterMs: (coded.data?.response_metadata?.retryAfter ?? 1) * 1000 };
      if (TRANSIENT.has(slackError)) return { code: 'transient', message: `Slack said ${slackError}` };
      const fix = FIXES[slackError];
      return { code: 'permanent', message: fix ? fix(channel) : `Slack refused the call: ${slackError}` };
    }
    case ErrorCode.HTTPError:
      // Slack answers 200 for its own refusals, so another status is a proxy or an outage.
      return coded.statusCode !== undefined && coded.statusCode >= 400 && coded.statusCode < 500 && coded.statusCode !== 408
        ? { code: 'permanent', message: `Slack answered HTTP ${coded.statusCode}: check SLACK_API_URL` }
        : { code: 'transient', message: `Slack answered HTTP ${coded.statusCode ?? '?'}` };
    case ErrorCode.RequestError:
      return { code: 'transient', message: `could not reach Slack: ${coded.original?.message ?? 'request failed'}` };
    default:
      return { code: 'transient', message: `Slack call failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
