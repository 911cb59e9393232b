import { z } from 'zod';
import { withTimeout } from '../../resilience/timeout.js';
import { err, ok, type Result } from '../../result.js';
import { Card } from '../card.js';
import type { ChatError, ChatPort } from '../port.js';
import type { ClaimedRow } from './model.js';

/** What one attempt produced: the platform's message id for posts. */
export type Delivered = { messageId: string | null };

/**
 * One attempt at one claimed row, with a deadline shorter than the lease. Whatever goes wrong
 * comes back as a ChatError: a port that throws or hangs is treated as transient, a card that no
 * longer parses (an older or hand-edited row) as permanent, since retrying cannot fix it.
 */
export async function deliver(row: ClaimedRow, port: ChatPort | undefined, timeoutMs: number): Promise<Result<Delivered, ChatError>> {
  if (!port) return err({ code: 'transient', message: `no chat port for ${row.platform} in this process` });
  const card = Card.safeParse(row.card);
  if (!card.success) return err({ code: 'permanent', message: `stored card is unreadable: ${z.prettifyError(card.error)}` });
  if (row.kind === 'update' && !row.targetMessageId) return err({ code: 'transient', message: 'the card has no message to update yet' });
  const options = { idempotencyKey: `outbox:${row.id}` };
  try {
    return await withTimeout(
      async (): Promise<Result<Delivered, ChatError>> => {
        if (row.kind === 'update') {
          const updated = await port.update(row.channel, row.targetMessageId!, card.data, options);
          return updated.ok ? ok({ messageId: null }) : updated;
        }
        const posted = row.targetMessageId
          ? await port.postInThread(row.channel, row.targetMessageId, card.data, options)
          : await port.post(row.channel, card.data, options);
        return posted.ok ? ok({ messageId: posted.value.messageId }) : posted;
      },
      timeoutMs,
      { label: `${row.platform} ${row.kind} to ${row.channel}` },
    );
  } catch (error) {
    return err({ code: 'transient', message: error instanceof Error ? error.message : String(error) });
  }
}
