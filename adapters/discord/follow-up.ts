import type { Result } from '../../src/result.js';
import type { DiscordError } from './errors.js';
import type { DiscordRest } from './rest.js';

/**
 * Answers to an interaction after its 3-second ack, through its webhook: the interaction token
 * (valid 15 minutes) authorises them, and Discord shows the first one in place of "thinking…".
 */
export type FollowUps = {
  /** Replaces the deferred "Triage is thinking…" answer. */
  editOriginal(token: string, body: object): Promise<Result<unknown, DiscordError>>;
  /** Another message: private with `flags: 64`, else in the channel. */
  post(token: string, body: object): Promise<Result<unknown, DiscordError>>;
};

export function followUps(rest: DiscordRest, applicationId: string): FollowUps {
  const hook = (token: string) => `/webhooks/${applicationId}/${encodeURIComponent(token)}`;
  // The token is a credential for 15 minutes: failure messages name the interaction, never it.
  const label = { channelLabel: 'the interaction' };
  return {
    editOriginal: (token, body) => rest.request('PATCH', `${hook(token)}/messages/@original`, body, label),
    post: (token, body) => rest.request('POST', hook(token), body, label),
  };
}
