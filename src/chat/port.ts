import { z } from 'zod';
import type { Result } from '../result.js';
import type { Card } from './card.js';

/**
 * What the core asks of a chat platform. Slack, Discord and the local console each implement it
 * in adapters/; the core (the outbox above all) only ever sees Cards and these typed errors.
 *
 * The outbox owns retries: an adapter makes one try per call and reports what happened. Slack's
 * WebClient must therefore be built with `retryConfig: { retries: 0 }` and
 * `rejectRateLimitedCalls: true`, or it would sleep and retry inside a call (for up to half an
 * hour) while the row's lease runs out, and Retry-After would never reach the outbox.
 */
export const ChatPlatform = z.enum(['slack', 'discord', 'console']);
export type ChatPlatform = z.infer<typeof ChatPlatform>;

/**
 * Why a call failed, in the terms the outbox acts on:
 * - rate_limited: the platform said "not before retryAfterMs" (Retry-After); honoured, never earlier;
 * - transient: worth retrying with backoff (5xx, reset socket, timeout);
 * - permanent: retrying cannot help (channel_not_found, not_in_channel, invalid_auth).
 */
export const ChatError = z.discriminatedUnion('code', [
  z.object({ code: z.literal('rate_limited'), retryAfterMs: z.number().nonnegative() }),
  z.object({ code: z.literal('transient'), message: z.string() }),
  z.object({ code: z.literal('permanent'), message: z.string() }),
]);
export type ChatError = z.infer<typeof ChatError>;

export type SendOptions = {
  /**
   * Stable for every attempt at the same outbox row (invariant 3). Platforms that can dedupe use
   * it (Discord's nonce with enforce_nonce, Slack message metadata), which closes the one window
   * the outbox cannot: a worker that died after the platform accepted a post.
   */
  idempotencyKey: string;
};

export type ChatPort = {
  readonly platform: ChatPlatform;
  post(channel: string, card: Card, options?: SendOptions): Promise<Result<{ messageId: string }, ChatError>>;
  update(channel: string, messageId: string, card: Card, options?: SendOptions): Promise<Result<void, ChatError>>;
  postInThread(
    channel: string,
    threadMessageId: string,
    card: Card,
    options?: SendOptions,
  ): Promise<Result<{ messageId: string }, ChatError>>;
  /** Seen by one person only (Slack ephemeral); interactive, so not routed through the outbox. */
  replyPrivately(channel: string, userId: string, card: Card): Promise<Result<void, ChatError>>;
};
