import { desc, eq, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { Card } from '../../src/chat/card.js';
import type { Db } from '../../src/db/client.js';
import { consoleMessages } from '../../src/db/schema/console.js';

/**
 * The console's messages table behind small functions, so neither the ChatPort nor the routes
 * write SQL. Ids cross the API as strings (ChatPort message ids are strings everywhere).
 */
export type ConsoleMessage = {
  id: string;
  channel: string;
  threadOf: string | null;
  card: Card;
  visibleTo: string | null;
  createdAt: string;
  updatedAt: string;
};

export type NewMessage = { channel: string; card: Card; threadOf?: string; visibleTo?: string; idempotencyKey?: string };

type Row = typeof consoleMessages.$inferSelect;

/** A row someone edited by hand, or an older card shape, still shows as something readable. */
const unreadable = (error: z.ZodError): Card => ({
  title: 'This message could not be read',
  severity: 'warning',
  state: 'info',
  text: z.prettifyError(error),
  fields: [],
  entities: [],
  actions: [],
});

function toMessage(row: Row): ConsoleMessage {
  const card = Card.safeParse(row.card);
  return {
    id: String(row.id),
    channel: row.channel,
    threadOf: row.threadOf === null ? null : String(row.threadOf),
    card: card.success ? card.data : unreadable(card.error),
    visibleTo: row.visibleTo,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A message id from outside (a click, the outbox); anything else names no message. */
export function parseMessageId(id: string): number | null {
  return /^[1-9]\d{0,14}$/.test(id) ? Number(id) : null;
}

/** `created: false` when the idempotency key had already stored this message. */
export async function insertMessage(db: Db, input: NewMessage): Promise<{ message: ConsoleMessage; created: boolean }> {
  const values = {
    channel: input.channel,
    card: input.card,
    threadOf: input.threadOf === undefined ? null : parseMessageId(input.threadOf),
    visibleTo: input.visibleTo ?? null,
    idempotencyKey: input.idempotencyKey ?? null,
  };
  const [row] = await db.insert(consoleMessages).values(values).onConflictDoNothing({ target: consoleMessages.idempotencyKey }).returning();
  if (row) return { message: toMessage(row), created: true };
  const [existing] = await db.select().from(consoleMessages).where(eq(consoleMessages.idempotencyKey, input.idempotencyKey!));
  if (!existing) throw new Error('console message insert conflicted but the existing row is gone');
  return { message: toMessage(existing), created: false };
}

export async function replaceCard(db: Db, id: string, card: Card): Promise<ConsoleMessage | null> {
  const key = parseMessageId(id);
  if (key === null) return null;
  const [row] = await db
    .update(consoleMessages)
    // The database's clock, as for created_at: every replica stamps messages from one clock.
    .set({ card, updatedAt: sql`clock_timestamp()` })
    .where(eq(consoleMessages.id, key))
    .returning();
  return row ? toMessage(row) : null;
}

export async function findMessage(db: Db, id: string): Promise<ConsoleMessage | null> {
  const key = parseMessageId(id);
  if (key === null) return null;
  const [row] = await db.select().from(consoleMessages).where(eq(consoleMessages.id, key));
  return row ? toMessage(row) : null;
}

/** Channel messages plus this person's private ones, oldest first; the latest `limit` only. */
export async function listVisible(db: Db, viewer: string | null, limit = 1000): Promise<ConsoleMessage[]> {
  const visible = viewer === null ? isNull(consoleMessages.visibleTo) : or(isNull(consoleMessages.visibleTo), eq(consoleMessages.visibleTo, viewer));
  const rows = await db.select().from(consoleMessages).where(visible).orderBy(desc(consoleMessages.id)).limit(limit);
  return rows.reverse().map(toMessage);
}

export const isVisibleTo = (message: Pick<ConsoleMessage, 'visibleTo'>, viewer: string | null): boolean =>
  message.visibleTo === null || message.visibleTo === viewer;

