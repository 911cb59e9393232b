import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { incidents } from '../../src/db/schema/incidents.js';
import { declareIncident } from '../../src/incidents/declare.js';
import { findIncident } from '../../src/incidents/lifecycle.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { mike, minutes } from './support.js';

describe.each(databaseKinds())('declaring an incident on %s', (kind) => {
  let database: TestDatabase;
  const at = (n: number) => ({ db: database.db, now: () => minutes(n).getTime() });

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());
  afterEach(async () => {
    await database.db.delete(incidents);
  });

  it('declares an incident with a trimmed one-line title, opened by the person in their channel', async () => {
    const declared = await declareIncident(at(0), { title: '  Checkout API\n returns 500s  ', actor: mike, channel: 'ops' });
    expect(declared).toEqual({
      ok: true,
      value: expect.objectContaining({ title: 'Checkout API returns 500s', status: 'open', origin: 'declared', openedBy: mike, channel: 'ops', openedAt: minutes(0) }),
    });
    expect(await findIncident(database.db, declared.ok ? declared.value.id : 0)).toEqual(declared.ok && declared.value);
  });

  it.each([
    ['', 'An incident needs a title. For example: /incident declare Checkout API returns 500s'],
    ['  ab ', 'An incident needs a title of at least 3 characters; "ab" is too short. For example: /incident declare Checkout API returns 500s'],
    ['x'.repeat(121), 'The title is 121 characters; keep it to 120 or fewer (the details go in the thread).'],
  ])('refuses the title %j and says how to fix it', async (title, message) => {
    expect(await declareIncident(at(0), { title, actor: mike, channel: 'ops' })).toEqual({ ok: false, error: { code: 'invalid_title', message } });
    expect(await database.db.select().from(incidents)).toEqual([]);
  });

  it('accepts titles of exactly 3 and 120 characters', async () => {
    expect((await declareIncident(at(0), { title: 'abc', actor: mike, channel: 'ops' })).ok).toBe(true);
    expect((await declareIncident(at(0), { title: 'y'.repeat(120), actor: mike, channel: 'ops' })).ok).toBe(true);
  });
});
