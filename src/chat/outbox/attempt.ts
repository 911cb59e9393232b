import type { Db } from '../../db/client.js';
import type { Logger } from '../../observability/logger.js';
import type { Random } from '../../resilience/backoff.js';
import { retry } from '../../resilience/retry.js';
import type { ChatPlatform, ChatPort } from '../port.js';
import { deliver } from './deliver.js';
import type { ClaimedRow, OutboxOptions } from './model.js';
import { markFailure, markSent, type Settled } from './settle.js';

export type DeliveredEvent = Pick<ClaimedRow, 'id' | 'kind' | 'platform' | 'channel' | 'cardKey' | 'attempts'> & { messageId: string | null };

export type AttemptContext = {
  db: Db;
  ports: Map<ChatPlatform, ChatPort>;
  options: OutboxOptions;
  now: () => number;
  random: Random;
  logger?: Pick<Logger, 'warn' | 'error'>;
  onDelivered: (event: DeliveredEvent) => void;
};

/** One claimed row: deliver it, then record what happened, whatever happened. */
export async function attemptRow(ctx: AttemptContext, row: ClaimedRow): Promise<Settled> {
  const { db, options, now, random } = ctx;
  const result = await deliver(row, ctx.ports.get(row.platform), options.deliveryTimeoutMs);
  // A delivered card whose "sent" is not recorded would be sent again once its lease expires.
  const recorded = await retry(
    () => (result.ok ? markSent(db, row, result.value.messageId, now(), options) : markFailure(db, { row, error: result.error, now: now(), options, random })),
    { attempts: 3, baseMs: 100, capMs: 1_000, shouldRetry: () => true, random },
  );
  if (!recorded.ok) throw recorded.error.error;
  const settled = recorded.value;
  const about = describe(row);
  if (settled.outcome === 'sent' && result.ok) ctx.onDelivered({ ...about, messageId: result.value.messageId });
  if (settled.outcome === 'failed' && !result.ok) ctx.logger?.error({ outbox: about, error: result.error }, 'chat delivery failed for good');
  if (settled.outcome === 'lost_lease') ctx.logger?.warn({ outbox: about }, 'chat delivery outlived its lease');
  return settled;
}

/** What is safe to log and hand to listeners: never the card's content or the claim token. */
const describe = (row: ClaimedRow) => ({
  id: row.id,
  kind: row.kind,
  platform: row.platform,
  channel: row.channel,
  cardKey: row.cardKey,
  attempts: row.attempts,
});
