import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import type { AcceptedEvent } from '../events/envelope.js';

export type WriteOutcome = { accepted: number; duplicates: number };

/** An event as stored: what insight rules and listeners receive after a write commits. */
export type StoredEvent = AcceptedEvent & { eventKey: string };

export type EventWriter = {
  /** Resolves once the events are durably stored (or rejects: then none of them were). */
  write(events: AcceptedEvent[]): Promise<WriteOutcome>;
  /** Listeners see newly stored events (never duplicates) after their transaction commits. */
  onStored(listener: (events: StoredEvent[]) => void): void;
  /** Waits for every write already handed in; used on shutdown. */
  drain(): Promise<void>;
};

type Pending = { events: StoredEvent[]; resolve(o: WriteOutcome): void; reject(e: unknown): void };

/**
 * Coalesces concurrent writes into one INSERT per round trip: while one flush is in flight, new
 * requests queue, and the next flush takes them all (up to `maxRowsPerFlush` rows). A storm of
 * 16 concurrent batches becomes a handful of statements, not one per event or per request.
 *
 * The rows travel as one JSON parameter expanded by jsonb_to_recordset: one bind value whatever
 * the row count (PostgreSQL caps a statement at 65,535 parameters), the same SQL on PGlite and
 * PostgreSQL, and the server parses it in C.
 */
export function createEventWriter(database: Database, options: { maxRowsPerFlush: number }): EventWriter {
  const queue: Pending[] = [];
  const listeners: Array<(events: StoredEvent[]) => void> = [];
  let flushing: Promise<void> | null = null;

  const takeBatch = (): Pending[] => {
    const batch: Pending[] = [];
    let rows = 0;
    while (queue.length && (batch.length === 0 || rows + queue[0]!.events.length <= options.maxRowsPerFlush)) {
      const next = queue.shift()!;
      rows += next.events.length;
      batch.push(next);
    }
    return batch;
  };

  const flushOnce = async (batch: Pending[]): Promise<void> => {
    const claimed = new Map<string, Pending>();
    const rows: StoredEvent[] = [];
    for (const pending of batch) {
      for (const event of pending.events) {
        const key = `${event.source}\u0000${event.eventKey}`;
        if (claimed.has(key)) continue;
        claimed.set(key, pending);
        rows.push(event);
      }
    }
    try {
      const inserted = rows.length ? await insertRows(database, rows) : new Set<string>();
      const stored: StoredEvent[] = [];
      const outcomes = new Map<Pending, WriteOutcome>(batch.map((p) => [p, { accepted: 0, duplicates: 0 }]));
      for (const pending of batch) {
        for (const event of pending.events) {
          const key = `${event.source}\u0000${event.eventKey}`;
          const outcome = outcomes.get(pending)!;
          if (claimed.get(key) === pending && inserted.delete(key)) {
            outcome.accepted++;
            stored.push(event);
          } else {
            outcome.duplicates++;
          }
        }
      }
      for (const pending of batch) pending.resolve(outcomes.get(pending)!);
      if (stored.length) for (const listener of listeners) safely(() => listener(stored));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  };

  const pump = async (): Promise<void> => {
    while (queue.length) await flushOnce(takeBatch());
    flushing = null;
  };

  return {
    write(events) {
      const stored = events.map((e) => ({ ...e, eventKey: e.id ?? randomUUID() }));
      return new Promise<WriteOutcome>((resolve, reject) => {
        queue.push({ events: stored, resolve, reject });
        flushing ??= pump();
      });
    },
    onStored(listener) {
      listeners.push(listener);
    },
    async drain() {
      while (flushing) await flushing;
    },
  };
}

async function insertRows(database: Database, rows: StoredEvent[]): Promise<Set<string>> {
  const payload = JSON.stringify(
    rows.map((e) => ({ s: e.source, k: e.eventKey, t: e.type, o: e.occurredAt, a: e.attributes, n: e.known })),
  );
  const result = await database.query<{ source: string; event_key: string }>(sql`
    insert into events (source, event_key, type, occurred_at, attributes, known)
    select s, k, t, o, a, n from jsonb_to_recordset(${payload}::jsonb)
      as x(s text, k text, t text, o timestamptz, a jsonb, n boolean)
    on conflict (source, event_key) do nothing
    returning source, event_key`);
  return new Set(result.map((r) => `${r.source}\u0000${r.event_key}`));
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // A listener's failure must not turn a committed write into an error for the sender;
    // listeners own their error handling and metrics.
  }
}
