import { and, eq, inArray, notInArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { tickets } from '../db/schema/incidents.js';
import { ok } from '../result.js';
import { insertOpen } from './builtin.js';
import type { Ticket, Tickets } from './port.js';

/**
 * Keeps a copy of an external tracker's tickets in the tickets table, so the console and the
 * weekly digest see GitHub issues too. The external tracker stays the truth: dedupe asks it,
 * and a mirrored ticket it no longer reports open is marked closed here.
 */
export type MirrorOptions = {
  now?: () => number;
  /** The mirror is best effort (GitHub already has the ticket); this hears about failed writes. */
  onError?: (error: unknown) => void;
};

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
  return {
    tracker: external.tracker,
    async findOpen(fingerprints) {
      const found = await external.findOpen(fingerprints);
      if (!found.ok || fingerprints.length === 0) return found;
      const open = found.value.map((t) => t.fingerprint);
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
      return ok(found.value);
    },
    async create(draft) {
      const created = await external.create(draft);
      if (created.ok) await record(created.value);
      return created;
    },
  };
}
