import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcceptedEvent } from '../../src/events/envelope.js';
import { createEventWriter, type StoredEvent } from '../../src/intake/event-writer.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';

const event = (source: string, id: string): AcceptedEvent => ({
  id,
  type: 'runtime.heartbeat',
  source,
  occurredAt: '2026-05-03T14:30:00Z',
  attributes: { runtime: 'bash-runtime-mike', intervalSeconds: 30 },
  known: true,
});

/** A deterministic shuffle, so each run sends the same interleaving. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe.each(databaseKinds())('event writer on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());

  const count = async (source: string) =>
    (await database.query<{ n: number }>(sql`select count(*)::int as n from events where source = ${source}`))[0]!.n;

  it('stores each key once across concurrent writes that overlap, in and across flushes, without deadlocks', async () => {
    // Two flushes in flight: overlapping keys meet in the database.
    const writer = createEventWriter(database, { maxRowsPerFlush: 120, maxFlushesInFlight: 2 });
    const heard: StoredEvent[] = [];
    writer.onStored((events) => heard.push(...events));
    const ids = Array.from({ length: 300 }, (_, i) => `k-${i}`);
    const writes = Array.from({ length: 24 }, (_, w) => {
      const mine = shuffled(ids, w + 1).slice(0, 60);
      return writer.write([...mine, mine[0]!].map((id) => event('overlap', id)));
    });
    const outcomes = await Promise.all(writes);
    const accepted = outcomes.reduce((n, o) => n + o.accepted, 0);
    const duplicates = outcomes.reduce((n, o) => n + o.duplicates, 0);
    const stored = await count('overlap');
    expect(accepted).toBe(stored);
    expect(accepted + duplicates).toBe(24 * 61);
    expect(new Set(heard.map((e) => e.eventKey)).size).toBe(heard.length);
    expect(heard.length).toBe(stored);
    await writer.drain();
  });

  it('counts resent keys as duplicates, alone or mixed with new ones, and stores only the new', async () => {
    const writer = createEventWriter(database, { maxRowsPerFlush: 1000 });
    expect(await writer.write(['a', 'b'].map((id) => event('resend', id)))).toEqual({ accepted: 2, duplicates: 0 });
    expect(await writer.write(['a', 'b'].map((id) => event('resend', id)))).toEqual({ accepted: 0, duplicates: 2 });
    expect(await writer.write(['b', 'c', 'c'].map((id) => event('resend', id)))).toEqual({ accepted: 1, duplicates: 2 });
    expect(await writer.write(['d'].map((id) => event('resend', id)))).toEqual({ accepted: 1, duplicates: 0 });
    expect(await count('resend')).toBe(4);
  });

  it('hands flushes to listeners in the order they were taken, even when a later one commits first', async () => {
    let calls = 0;
    const slowFirst = {
      ...database,
      kind: 'postgres' as const, // two flights, whatever the engine under the test
      query: (async (statement) => {
        const first = calls++ === 0;
        const rows = await database.query(statement);
        if (first) await new Promise((resolve) => setTimeout(resolve, 50));
        return rows;
      }) as typeof database.query,
    };
    const writer = createEventWriter(slowFirst, { maxRowsPerFlush: 1000, maxFlushesInFlight: 2 });
    const heard: string[] = [];
    writer.onStored((events) => heard.push(...events.map((e) => e.eventKey)));
    const first = writer.write([event('ordered', 'o1'), event('ordered', 'o2')]);
    await new Promise((resolve) => setImmediate(resolve)); // the first flush is under way
    const second = writer.write([event('ordered', 'o3')]);
    await Promise.all([first, second]);
    expect(heard).toEqual(['o1', 'o2', 'o3']);
  });

  it('stores nothing of a flush whose statement fails, and rejects every write in it', async () => {
    let failing = true;
    const flaky = {
      ...database,
      query: (async (statement) => {
        if (failing) throw new Error('connection reset');
        return database.query(statement);
      }) as typeof database.query,
    };
    const writer = createEventWriter(flaky, { maxRowsPerFlush: 1000 });
    const heard: StoredEvent[] = [];
    writer.onStored((events) => heard.push(...events));
    const writes = [writer.write([event('failing', 'f1')]), writer.write([event('failing', 'f2')])];
    for (const write of writes) await expect(write).rejects.toThrow('connection reset');
    expect(await count('failing')).toBe(0);
    expect(heard).toEqual([]);
    failing = false;
    expect(await writer.write([event('failing', 'f1')])).toEqual({ accepted: 1, duplicates: 0 });
  });
});
