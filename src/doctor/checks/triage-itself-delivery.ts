import type { ChatPlatform } from '../../chat/port.js';

/**
 * What an outbox row's last_error means for the person reading the Doctor report. Rows store
 * `<code>: <message>` (chat/outbox/settle.ts); Slack's adapter puts either Slack's error code or
 * its own fix-it sentence in the message (adapters/slack/errors.ts), so both are recognised.
 */
export type DeliveryProblem = {
  /** Slack's error code when known ("channel_not_found"), else the message itself. */
  reason: string;
  /** What to do about it, in the report's words. */
  hint?: string;
  /** Retrying cannot help: someone has to change a setting, a token or a channel. */
  permanent: boolean;
};

type Known = { reason: string; pattern: RegExp; hint: string; permanent: boolean };

const TOKEN = 'check SLACK_BOT_TOKEN';

const SLACK: Known[] = [
  { reason: 'channel_not_found', pattern: /channel_not_found|does not exist or the bot cannot see it/, hint: 'check the channel id (SLACK_CHANNEL / slack.channels) and invite the bot to it', permanent: true },
  { reason: 'not_in_channel', pattern: /not_in_channel|the bot is not in /, hint: 'invite the bot to the channel (/invite @Triage)', permanent: true },
  { reason: 'is_archived', pattern: /is_archived|is archived/, hint: 'unarchive the channel or route its cards to another one', permanent: true },
  { reason: 'invalid_auth', pattern: /invalid_auth/, hint: TOKEN, permanent: true },
  { reason: 'not_authed', pattern: /not_authed/, hint: `${TOKEN} (no token was sent)`, permanent: true },
  { reason: 'account_inactive', pattern: /account_inactive/, hint: `reinstall the Slack app, then ${TOKEN}`, permanent: true },
  { reason: 'token_revoked', pattern: /token_revoked|token was revoked/, hint: `reinstall the Slack app, then ${TOKEN}`, permanent: true },
  { reason: 'missing_scope', pattern: /missing_scope/, hint: 'reinstall the Slack app from manifest.yml to grant the missing scope', permanent: true },
  { reason: 'invalid_blocks', pattern: /invalid_blocks|msg_too_long/, hint: "a rendering bug in Triage: report it with the card's outbox row", permanent: true },
  { reason: 'ratelimited', pattern: /^rate_limited:|ratelimited/, hint: 'retries ran out while rate limited: route fewer cards to this channel', permanent: false },
];

const CODE = /^(permanent|transient|rate_limited): ?/;

/** The message without the outbox's code prefix or the adapter's stock opening, cut to fit a line. */
function shortReason(message: string): string {
  const bare = message.replace(/^Slack refused the call: /, '').trim();
  return bare.length > 80 ? `${bare.slice(0, 79)}…` : bare || 'unknown error';
}

export function classifyDelivery(platform: ChatPlatform | string, lastError: string | null): DeliveryProblem {
  const text = lastError ?? '';
  const code = CODE.exec(text)?.[1];
  const known = platform === 'slack' ? SLACK.find((k) => k.pattern.test(text)) : undefined;
  if (known) return { reason: known.reason, hint: known.hint, permanent: known.permanent || code === 'permanent' };
  if (!lastError) return { reason: 'no error recorded', permanent: false };
  return {
    reason: shortReason(text.replace(CODE, '')),
    ...(code === 'transient' ? { hint: 'retries ran out: check that Triage can reach the chat platform' } : {}),
    permanent: code === 'permanent',
  };
}
