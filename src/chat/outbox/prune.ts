import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { chatOutbox } from '../../db/schema/chat.js';

/**
 * Delivered updates are history nobody reads once the card shows them; a busy card makes one
 * every couple of seconds. Posts are kept (they make "one post per card and channel, ever"
 * hold), and failed rows are kept until someone deals with them (invariant 6).
 */
export async function pruneSentUpdates(db: Db, sentBefore: number): Promise<number> {
  const deleted = await db
    .delete(chatOutbox)
    .where(and(eq(chatOutbox.kind, 'update'), eq(chatOutbox.status, 'sent'), lt(chatOutbox.sentAt, new Date(sentBefore))))
    .returning({ id: chatOutbox.id });
  return deleted.length;
}
