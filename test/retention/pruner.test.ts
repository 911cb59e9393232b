import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { RetentionConfig } from '../../src/retention/config.js';
import { createPruner } from '../../src/retention/pruner.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { startTestTriage, type TestTriage } from '../support/triage.js';
import { markedCounts, MARKED, seedAgedRows } from './support.js';

const silent = pino({ level: 'silent' });

describe.each(databaseKinds())('retention on %s', (kind) => {
  let database: TestDatabase | undefined;
  let triage: TestTriage | undefined;
  afterEach(async () => {
    await database?.drop();
    await triage?.close();
    database = undefined;
    triage = undefined;
  });

  it('removes in every table what is past its age and nothing younger or still held', async () => {
    database = await openTestDatabase(kind);
    await seedAgedRows(database);
    const before = await markedCounts(database);
    for (const { table } of MARKED) expect(before[table]!.drop, `${table} seeded with rows to drop`).toBeGreaterThan(0);

    const deleted: Record<string, number> = {};
    const pruner = createPruner({
      database,
      config: RetentionConfig.parse({ batchSize: 2, pauseMs: 0 }),
      leading: () => true,
      logger: silent,
      onDeleted: (policy, rows) => (deleted[policy] = (deleted[policy] ?? 0) + rows),
    });
    const report = await pruner.runOnce();

    expect(report.failed).toEqual([]);
    const after = await markedCounts(database);
    for (const { table } of MARKED) {
      expect(after[table], table).toEqual({ drop: 0, keep: before[table]!.keep });
    }
    // 25 old events in batches of 2: the pass went on until a short batch, not one batch per pass.
    expect(report.deleted.events).toBe(25);
    expect(deleted.events).toBe(25);
  });

  it('prunes nothing on a replica that does not lead', async () => {
    database = await openTestDatabase(kind);
    await seedAgedRows(database);
    const before = await markedCounts(database);
    const pruner = createPruner({ database, config: RetentionConfig.parse({}), leading: () => false, logger: silent });
    const report = await pruner.runOnce();
    expect(report.stoppedEarly).toBe(true);
    expect(await markedCounts(database)).toEqual(before);
  });

  it('stops between batches when the lease is lost', async () => {
    database = await openTestDatabase(kind);
    await seedAgedRows(database, 40);
    let batches = 0;
    const pruner = createPruner({
      database,
      config: RetentionConfig.parse({ batchSize: 5, pauseMs: 0 }),
      leading: () => batches < 3,
      logger: silent,
      onDeleted: () => batches++,
    });
    await pruner.runOnce();
    const [left] = await database.query<{ n: number }>(sql`select count(*)::int as n from events where source = 'drop-event'`);
    expect(Number(left!.n)).toBe(40 - 15);
  });

  it.runIf(kind === 'postgres')(
    'keeps every event intake accepts while it prunes 20,000 old ones',
    async () => {
      triage = await startTestTriage('postgres', { retention: RetentionConfig.parse({ batchSize: 500, pauseMs: 0 }) });
      await seedAgedRows(triage.testDatabase, 20_000);
      let sending = true;
      let sent = 0;
      const intake = (async () => {
        while (sending) {
          const events = Array.from({ length: 50 }, (_, i) => ({
            id: `live-${sent + i}`,
            type: 'runtime.heartbeat',
            source: 'retention-test',
            occurredAt: new Date().toISOString(),
            attributes: { runtime: 'bash-runtime-mike', intervalSeconds: 30 },
          }));
          const response = await triage!.post('/v1/events', { events });
          expect(response.status).toBe(202);
          sent += events.length;
        }
      })();
      const report = await triage.pruner.runOnce();
      sending = false;
      await intake;
      await triage.writer.drain();

      expect(report.deleted.events).toBe(20_000);
      const [counts] = await triage.testDatabase.query<{ live: number; old: number; young: number }>(sql`
        select count(*) filter (where event_key like 'live-%')::int as live,
               count(*) filter (where source = 'drop-event')::int as old,
               count(*) filter (where source = 'keep-event')::int as young
        from events`);
      expect(sent).toBeGreaterThan(0);
      expect({ live: Number(counts!.live), old: Number(counts!.old), young: Number(counts!.young) }).toEqual({ live: sent, old: 0, young: 3 });
    },
    120_000,
  );
});
