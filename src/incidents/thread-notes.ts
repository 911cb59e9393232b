import { and, asc, eq, isNull, like } from 'drizzle-orm';
import { z } from 'zod';
import { Actor } from '../actor.js';
import type { Db } from '../db/client.js';
import { chatMessages } from '../db/schema/chat.js';
import { threadNotes } from '../db/schema/thread-notes.js';
import { err, ok, type Result } from '../result.js';
import { incidentCardKey } from './card.js';
import { findIncident } from './lifecycle.js';

/**
 * The incident thread is the record: what people write under an incident's header card joins its
 * timeline and its minutes (src/postmortem/facts.ts reads these rows). Every platform's entry
 * (Slack's message events, the console's thread reply) calls `note`; the adapter leaves out bot
 * messages and names the person, the core decides whether the thread is an incident's.
 */

/** Longer than anyone types in a thread; a paste of a whole log is cut rather than refused. */
export const MAX_NOTE_CHARS = 4000;

export const NoteChange = z.enum(['posted', 'edited', 'deleted']);
export type NoteChange = z.infer<typeof NoteChange>;

export const ThreadNoteInput = z.object({
  platform: z.enum(['slack', 'discord', 'console']),
  /** The platform's channel id of the message (Slack `C…`; the console's channel name). */
  channel: z.string().min(1).max(200),
  /** The thread's root as the outbox recorded it when it posted the card (chat_messages.message_id). */
  threadMessageId: z.string().min(1).max(300),
  /** The message's own id (Slack: its ts): a redelivery repeats it. */
  messageId: z.string().min(1).max(200),
  actor: Actor,
  /** Untrusted text as typed; bounded and made storable here, escaped by each renderer. */
  text: z.string().max(100_000),
  /** When it was written: the record's order. */
  at: z.date(),
  change: NoteChange.default('posted'),
});
export type ThreadNoteInput = z.input<typeof ThreadNoteInput>;

export type NoteOutcome = { incidentId: number; outcome: 'stored' | 'duplicate' | 'updated' | 'deleted' };
export type NoteRefusal = { code: 'invalid' | 'not_an_incident_thread' | 'empty'; message: string };

/** PostgreSQL stores no NUL and no half of a surrogate pair; a cut never splits a pair. */
function storable(text: string): string {
  const cleaned = text.replace(/\u0000/g, '').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD').trim();
  if (cleaned.length <= MAX_NOTE_CHARS) return cleaned;
  const cut = cleaned.slice(0, MAX_NOTE_CHARS - 1);
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

const HEADER_KEY = /^incident:(\d+)$/;

/**
 * The incident whose header card is the message at the thread's root, or undefined: a reply under
 * any other card (an insight, the minutes, a message Triage never posted) is not an incident's.
 */
export async function incidentOfThread(db: Db, platform: string, threadMessageId: string): Promise<number | undefined> {
  const rows = await db
    .select({ cardKey: chatMessages.cardKey })
    .from(chatMessages)
    .where(and(eq(chatMessages.platform, platform), eq(chatMessages.messageId, threadMessageId), like(chatMessages.cardKey, 'incident:%')));
  for (const { cardKey } of rows) {
    const match = HEADER_KEY.exec(cardKey);
    if (match && incidentCardKey(Number(match[1])) === cardKey) return Number(match[1]);
  }
  return undefined;
}

export function createThreadNotes(deps: { db: Db; now?: () => number }) {
  const now = () => new Date(deps.now?.() ?? Date.now());

  /** One message of an incident thread, stored once, edited or deleted in place. */
  async function note(raw: ThreadNoteInput): Promise<Result<NoteOutcome, NoteRefusal>> {
    const parsed = ThreadNoteInput.safeParse(raw);
    if (!parsed.success) return err({ code: 'invalid', message: z.prettifyError(parsed.error) });
    const input = parsed.data;
    const text = input.change === 'deleted' ? '' : storable(input.text);
    if (input.change !== 'deleted' && !text) return err({ code: 'empty', message: 'Nothing written to record.' });
    const incidentId = await incidentOfThread(deps.db, input.platform, input.threadMessageId);
    if (incidentId === undefined || !(await findIncident(deps.db, incidentId))) {
      return err({ code: 'not_an_incident_thread', message: 'Not a reply in an incident thread: nothing recorded.' });
    }
    const row = { incidentId, platform: input.platform, channel: input.channel, messageId: input.messageId, actor: input.actor, text, at: input.at, createdAt: now() };
    const key = [threadNotes.platform, threadNotes.channel, threadNotes.messageId];
    if (input.change === 'posted') {
      const inserted = await deps.db.insert(threadNotes).values(row).onConflictDoNothing({ target: key }).returning({ id: threadNotes.id });
      return ok({ incidentId, outcome: inserted.length ? 'stored' : 'duplicate' });
    }
    // An edit or a deletion may arrive before the message it changes (events are not ordered):
    // it creates the row, and the original arriving later finds it and changes nothing.
    const changed = input.change === 'deleted' ? { text: '', deletedAt: now() } : { text, editedAt: now() };
    await deps.db
      .insert(threadNotes)
      .values({ ...row, ...changed })
      .onConflictDoUpdate({ target: key, set: changed, ...(input.change === 'edited' ? { setWhere: isNull(threadNotes.deletedAt) } : {}) });
    return ok({ incidentId, outcome: input.change === 'deleted' ? 'deleted' : 'updated' });
  }

  /** Whether a thread is an incident's, before an adapter spends a name lookup on its message. */
  const isIncidentThread = async (platform: string, threadMessageId: string): Promise<boolean> =>
    (await incidentOfThread(deps.db, platform, threadMessageId)) !== undefined;

  return { note, isIncidentThread };
}
export type ThreadNotes = ReturnType<typeof createThreadNotes>;

export type NoteFact = { id: number; at: Date; actor: Actor; text: string; edited: boolean };

/** An incident's notes in the order they were written (ties: the order they were stored); deleted ones left out. */
export async function readThreadNotes(db: Db, incidentId: number): Promise<NoteFact[]> {
  const rows = await db
    .select()
    .from(threadNotes)
    .where(and(eq(threadNotes.incidentId, incidentId), isNull(threadNotes.deletedAt)))
    .orderBy(asc(threadNotes.at), asc(threadNotes.id));
  return rows.flatMap((r) => {
    const actor = Actor.safeParse(r.actor);
    return actor.success && r.text ? [{ id: r.id, at: r.at, actor: actor.data, text: r.text, edited: r.editedAt !== null }] : [];
  });
}
