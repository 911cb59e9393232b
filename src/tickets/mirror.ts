import { and, asc, eq, gte, inArray, notInArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { tickets } from '../db/schema/incidents.js';
import { ok, type Result } from '../result.js';
import { insertOpen, toTicket } from './builtin.js';
import type { Ticket, TicketError, Tickets } from './port.js';

/**
 * Keeps a copy of an external tracker's tickets in the tickets table, so the console and the
 * weekly digest see GitHub issues too. The external tracker stays the truth: dedupe asks it,
 * and a mirrored ticket it no longer reports open is marked closed here.
 *
 * Except for what Triage filed moments ago: GitHub's search index trails issue creation by
 * seconds to minutes, so a second /improve right after the first found nothing and filed every
 * ticket again, and the mirror closed the tickets it had just filed. A ticket filed within
 * SEARCH_LAG_MS that search does not list is read directly (`lookup`) instead.
 */
export type MirrorOptions = {
  now?: () => number;
  /** The mirror is best effort (GitHub already has the ticket); this hears about failed writes. */
  onError?: (error: unknown) => void;
};

export const SEARCH_LAG_MS = 15 * 60_000;

export function mirroredTickets(external: Tickets, db: Db, options: MirrorOptions = {}): Tickets {
  const now = options.now ?? Date.now;
  const report = (error: unknown): void => options.onError?.(error);
  const record = async (ticket: Ticket): Promise<void> => {
    // A mirror that fails to write must not fail the ticket already filed on GitHub.
    const written = await insertOpen(db, { ...ticket, tracker: external.tracker, createdAt: new Date(now()), externalId: ticket.id }).catch((error: unknown) => {
      report(error);
      return undefined;
    });
    if (written && !written.ok) report(new Error(written.error.message));
  };

  /** Mirrored open tickets filed within the search lag: search may not list them yet. */
  const recentlyFiled = async (fingerprints: string[]): Promise<Ticket[]> => {
    if (fingerprints.length === 0) return [];
    const rows = await db
      .select()
      .from(tickets)
      .where(and(eq(tickets.tracker, external.tracker), eq(tickets.status, 'open'), inArray(tickets.fingerprint, fingerprints), gte(tickets.createdAt, new Date(now() - SEARCH_LAG_MS))))
      .orderBy(asc(tickets.id))
      .catch((error: unknown) => {
        report(error);
        return [];
      });
    return rows.map(toTicket);
  };

  /** The recent ones still open, asked one by one (without `lookup`, our own record is trusted). */
  const stillOpen = async (recent: Ticket[]): Promise<Result<Ticket[], TicketError>> => {
    const open: Ticket[] = [];
    for (const ticket of recent) {
      if (!external.lookup) {
        open.push(ticket);
        continue;
      }
      const read = await external.lookup(ticket.id, ticket.fingerprint);
      if (!read.ok) return read;
      if (read.value?.status === 'open') open.push(read.value);
    }
    return ok(open);
  };

  return {
    tracker: external.tracker,
    async findOpen(fingerprints) {
      const found = await external.findOpen(fingerprints);
      if (!found.ok || fingerprints.length === 0) return found;
      const listed = new Set(found.value.map((t) => t.fingerprint));
      const unlisted = await stillOpen((await recentlyFiled(fingerprints)).filter((t) => !listed.has(t.fingerprint)));
      if (!unlisted.ok) return unlisted;
      const all = [...found.value, ...unlisted.value];
      const open = all.map((t) => t.fingerprint);
      await db
        .update(tickets)
        .set({ status: 'closed', closedAt: new Date(now()) })
        .where(
          and(
            eq(tickets.tracker, external.tracker),
            eq(tickets.status, 'open'),
            inArray(tickets.fingerprint, fingerprints),
            ...(open.length > 0 ? [notInArray(tickets.fingerprint, open)] : []),
          ),
        )
        .catch(report);
      for (const ticket of found.value) await record(ticket);
      return ok(all);
    },
    async create(draft) {
      const recent = await stillOpen(await recentlyFiled([draft.fingerprint]));
      if (!recent.ok) return recent;
      if (recent.value[0]) return ok(recent.value[0]);
      const created = await external.create(draft);
      if (created.ok) await record(created.value);
      return created;
    },
  };
}
