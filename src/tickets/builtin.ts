import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { tickets } from '../db/schema/incidents.js';
import { err, ok, type Result } from '../result.js';
import type { Ticket, TicketDraft, TicketError, Tickets } from './port.js';

/**
 * The built-in tracker: tickets are rows, visible in the console and the weekly digest. The
 * partial unique index tickets_open_fingerprint_uq is what dedupes, not a read-then-write: two
 * resolves racing on one fingerprint both "insert or do nothing", and both read back one row.
 */
type Row = typeof tickets.$inferSelect;

const Strings = z.array(z.string());
const TicketStatus = z.enum(['open', 'closed']);
const Tracker = z.enum(['builtin', 'github']);

export function toTicket(row: Row): Ticket {
  return {
    // A mirrored GitHub issue is known by its issue number, as people see it on GitHub.
    id: row.externalId ?? String(row.id),
    fingerprint: row.fingerprint,
    title: row.title,
    description: row.description,
    labels: Strings.parse(row.labels),
    deliverables: Strings.parse(row.deliverables),
    status: TicketStatus.parse(row.status),
    tracker: Tracker.parse(row.tracker),
    ...(row.owner !== null ? { owner: row.owner } : {}),
    ...(row.url !== null ? { url: row.url } : {}),
    ...(row.incidentId !== null ? { incidentId: row.incidentId } : {}),
  };
}

/** Drizzle wraps the driver's error in one that quotes the whole statement; people need the driver's words. */
const reason = (error: unknown): string => {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : 'the database did not answer';
};

const unavailable = (what: string, error: unknown): TicketError => ({
  code: 'unavailable',
  message: `The built-in ticket tracker could not ${what} (${reason(error)}). Try again in a moment; if it persists, run /doctor database.`,
});

export type BuiltinOptions = { now?: () => number };

export function builtinTickets(db: Db, options: BuiltinOptions = {}): Tickets {
  const now = options.now ?? Date.now;
  return {
    tracker: 'builtin',
    async findOpen(fingerprints) {
      if (fingerprints.length === 0) return ok([]);
      try {
        return ok((await openRows(db, 'builtin', fingerprints)).map(toTicket));
      } catch (error) {
        return err(unavailable('look for open tickets', error));
      }
    },
    async create(draft) {
      try {
        return await insertOpen(db, { ...draft, tracker: 'builtin', createdAt: new Date(now()) });
      } catch (error) {
        return err(unavailable(`file "${draft.title}"`, error));
      }
    },
  };
}

export type OpenTicketRow = TicketDraft & { tracker: 'builtin' | 'github'; createdAt: Date; externalId?: string; url?: string };

/**
 * Inserts an open ticket unless one with its fingerprint is open in that tracker, and returns
 * whichever row is open afterwards. Also used to mirror GitHub issues into the table.
 */
export async function insertOpen(db: Db, row: OpenTicketRow): Promise<Result<Ticket, TicketError>> {
  const inserted = await db
    .insert(tickets)
    .values({
      fingerprint: row.fingerprint,
      title: row.title,
      description: row.description,
      labels: row.labels,
      owner: row.owner ?? null,
      deliverables: row.deliverables,
      status: 'open',
      tracker: row.tracker,
      externalId: row.externalId ?? null,
      url: row.url ?? null,
      incidentId: row.incidentId ?? null,
      createdAt: row.createdAt,
    })
    // No target: the only unique index a new row can hit is the open-fingerprint one.
    .onConflictDoNothing()
    .returning();
  if (inserted[0]) return ok(toTicket(inserted[0]));
  const [existing] = await openRows(db, row.tracker, [row.fingerprint]);
  // Closed between our conflict and this read: rare enough to ask the caller to try again.
  if (!existing) return err({ code: 'unavailable', message: `"${row.title}" was being filed and closed at the same time; try again.` });
  return ok(toTicket(existing));
}

function openRows(db: Db, tracker: 'builtin' | 'github', fingerprints: string[]): Promise<Row[]> {
  return db
    .select()
    .from(tickets)
    .where(and(eq(tickets.tracker, tracker), eq(tickets.status, 'open'), inArray(tickets.fingerprint, fingerprints)))
    .orderBy(asc(tickets.id));
}

export type TicketFilter = { status?: 'open' | 'closed'; tracker?: 'builtin' | 'github' };

/** Every ticket (optionally only open or closed ones), oldest first: the console and the digest. */
export async function listTickets(db: Db, filter: TicketFilter = {}): Promise<Ticket[]> {
  const conditions = [
    ...(filter.status ? [eq(tickets.status, filter.status)] : []),
    ...(filter.tracker ? [eq(tickets.tracker, filter.tracker)] : []),
  ];
  const rows = await db.select().from(tickets).where(and(...conditions)).orderBy(asc(tickets.id));
  return rows.map(toTicket);
}

/** Closes an open ticket; false when it was not open (already closed, or no such ticket). */
export async function closeTicket(db: Db, id: number, now: () => number = Date.now): Promise<boolean> {
  const closed = await db
    .update(tickets)
    .set({ status: 'closed', closedAt: new Date(now()) })
    .where(and(eq(tickets.id, id), eq(tickets.status, 'open')))
    .returning({ id: tickets.id });
  return closed.length === 1;
}
