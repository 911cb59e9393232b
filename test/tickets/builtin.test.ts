import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { builtinTickets, closeTicket, listTickets } from '../../src/tickets/builtin.js';
import type { TicketDraft } from '../../src/tickets/port.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';

const backoff: TicketDraft = {
  fingerprint: 'add-connection-backoff-logic-to-routines',
  title: 'Add connection backoff logic to routines',
  description: 'Routines created retry storms when the MCP server failed.',
  labels: ['agent-improvement', 'self-improvement', 'reliability'],
  owner: 'Mike',
  deliverables: ['Backoff implementation', 'Unit tests for retry logic'],
  incidentId: 3,
};

describe.each(databaseKinds())('built-in tickets on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(() => database.drop());
  beforeEach(async () => {
    await database.query(sql`delete from tickets`);
  });

  it('files a ticket that the console lists with everything the template said', async () => {
    const tickets = builtinTickets(database.db, { now: () => Date.UTC(2026, 4, 3, 15, 20) });
    const created = await tickets.create(backoff);
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(created.value).toMatchObject({ ...backoff, status: 'open', tracker: 'builtin' });
    expect(await listTickets(database.db)).toEqual([created.value]);
  });

  it('finds open tickets by fingerprint and ignores other fingerprints', async () => {
    const tickets = builtinTickets(database.db);
    await tickets.create(backoff);
    await tickets.create({ ...backoff, fingerprint: 'other', title: 'Other' });
    const found = await tickets.findOpen([backoff.fingerprint, 'never-filed']);
    expect(found.ok && found.value.map((t) => t.title)).toEqual([backoff.title]);
    expect(await tickets.findOpen([])).toEqual({ ok: true, value: [] });
  });

  it('returns the open ticket instead of filing the same fingerprint twice', async () => {
    const tickets = builtinTickets(database.db);
    const first = await tickets.create(backoff);
    const second = await tickets.create({ ...backoff, incidentId: 4 });
    expect(second).toEqual(first);
    expect(await listTickets(database.db)).toHaveLength(1);
  });

  it('files one row when many resolves create the same fingerprint at once', async () => {
    const tickets = builtinTickets(database.db);
    const results = await Promise.all(Array.from({ length: 12 }, () => tickets.create(backoff)));
    const ids = new Set(results.map((r) => (r.ok ? r.value.id : 'failed')));
    expect([...ids]).toHaveLength(1);
    expect(ids.has('failed')).toBe(false);
    const rows = await database.query<{ n: number }>(sql`select count(*)::int as n from tickets where fingerprint = ${backoff.fingerprint}`);
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('files a new ticket once the earlier one is closed, and lists by status', async () => {
    const tickets = builtinTickets(database.db);
    const first = await tickets.create(backoff);
    if (!first.ok) throw new Error(first.error.message);
    expect(await closeTicket(database.db, Number(first.value.id))).toBe(true);
    expect(await closeTicket(database.db, Number(first.value.id))).toBe(false);
    const again = await tickets.create(backoff);
    expect(again.ok && again.value.id).not.toBe(first.value.id);
    expect((await listTickets(database.db, { status: 'closed' })).map((t) => t.id)).toEqual([first.value.id]);
    expect((await listTickets(database.db, { status: 'open' })).map((t) => t.id)).toEqual([again.ok && again.value.id]);
  });

  it('answers unavailable, with what to do, when the database is gone', async () => {
    const broken = await openTestDatabase(kind);
    await broken.drop();
    const result = await builtinTickets(broken.db).create(backoff);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('unavailable');
      expect(result.error.message).toContain('could not file "Add connection backoff logic to routines"');
      // The driver's reason, not drizzle's dump of the statement and its parameters.
      expect(result.error.message).not.toMatch(/insert into|params:/i);
    }
  });
});
