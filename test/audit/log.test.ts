import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestAudit, recordAudit, type AuditEntry } from '../../src/audit/log.js';
import { auditLog } from '../../src/db/schema/actions.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';

const james = { platform: 'slack' as const, teamId: 'T0TEAMX', userId: 'U0JAMES', name: 'James' };
const omar = { platform: 'slack' as const, teamId: 'T0TEAMX', userId: 'U0OMAR', name: 'Omar' };
const T0 = Date.parse('2026-05-03T15:00:00Z');

const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  actor: james,
  action: 'restart_runtime',
  target: 'runtime:bash-runtime-mike',
  outcome: 'started',
  at: new Date(T0),
  ...over,
});

describe.each(databaseKinds())('the audit log (%s)', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());

  it('reads back what was recorded, newest first, as many as asked for', async () => {
    await recordAudit(database.db, entry({ requestId: 1, sourceMessage: { platform: 'slack', channel: 'ops', messageId: '1.2' } }));
    await recordAudit(database.db, entry({ actor: omar, outcome: 'refused', detail: 'needs the responder role; you are a viewer.', at: new Date(T0 + 1_000) }));
    await recordAudit(database.db, entry({ outcome: 'succeeded', detail: 'heartbeat detected ✅ after 4.2 s', durationMs: 4_237.6, requestId: 1, at: new Date(T0 + 4_238) }));

    const latest = await latestAudit(database.db, 10);
    expect(latest.map((r) => [r.actor.name, r.outcome])).toEqual([
      ['James', 'succeeded'],
      ['Omar', 'refused'],
      ['James', 'started'],
    ]);
    expect(latest[0]).toMatchObject({ action: 'restart_runtime', target: 'runtime:bash-runtime-mike', durationMs: 4_238, requestId: 1, at: new Date(T0 + 4_238) });
    expect(latest[1]).toMatchObject({ detail: 'needs the responder role; you are a viewer.', durationMs: null, requestId: null });
    expect((await latestAudit(database.db, 2)).map((r) => r.outcome)).toEqual(['succeeded', 'refused']);
  });

  it('commits together with what it records: a rolled-back transaction leaves no entry', async () => {
    const before = (await latestAudit(database.db, 50)).length;
    await expect(
      database.db.transaction(async (tx) => {
        await recordAudit(tx, entry({ outcome: 'approved', target: 'approval:7' }));
        throw new Error('the decision failed');
      }),
    ).rejects.toThrow('the decision failed');
    expect(await latestAudit(database.db, 50)).toHaveLength(before);
  });

  it('skips a row that does not read back instead of showing it half-read', async () => {
    await database.db.insert(auditLog).values({ at: new Date(T0 + 9_000), actor: { who: 'hand edit' }, actorKey: 'x', action: 'restart_runtime', target: 'runtime:x', outcome: 'exploded' });
    const latest = await latestAudit(database.db, 1);
    expect(latest).toEqual([]);
    expect((await latestAudit(database.db, 2)).map((r) => r.outcome)).toEqual(['succeeded']);
  });
});
