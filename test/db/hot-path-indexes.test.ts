import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalForInsight } from '../../src/approvals/list.js';
import { claim } from '../../src/chat/outbox/claim.js';
import { OutboxOptions } from '../../src/chat/outbox/model.js';
import { outboxStats } from '../../src/chat/outbox/stats.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { latestEventsOfRoutine } from '../../src/events/by-routine.js';
import { findUnpublished } from '../../src/insights/store.js';
import { createEmptyPostgresDatabase, databaseKinds } from '../support/databases.js';

/**
 * The hot-path queries use their index on tables of a realistic size: each test runs the real
 * function, catches the statement it sent (with its parameters) and asks the planner how it would
 * run it. A missing or unusable index shows up as a Seq Scan on the table.
 */
type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: PlanNode[] };

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

describe.each(databaseKinds())('hot-path queries use their index on %s', (kind) => {
  let database: Database;
  let drop: () => Promise<void> = async () => {};
  const seen: Array<{ query: string; params: unknown[] }> = [];
  const onQuery = (query: string, params: unknown[]) => seen.push({ query, params });

  beforeAll(async () => {
    if (kind === 'postgres') {
      const empty = await createEmptyPostgresDatabase();
      database = await openDatabase({ kind: 'postgres', url: empty.url, onQuery });
      drop = async () => {
        await database.close();
        await empty.drop();
      };
    } else {
      database = await openDatabase({ kind: 'pglite', onQuery });
      drop = () => database.close();
    }
    await database.migrate();
    await seed(database);
  }, 120_000);
  afterAll(() => drop());

  /** The plan of the last statement the function sent that mentions `table`. */
  async function planOf(table: string, run: () => Promise<unknown>): Promise<PlanNode[]> {
    seen.length = 0;
    await run();
    const statement = seen.filter((s) => s.query.includes(`"${table}"`) || s.query.includes(` ${table} `)).at(-1);
    expect(statement, `no statement on ${table} was sent`).toBeDefined();
    const [row] = await database.query<Record<string, unknown>>(sql`explain (format json) ${bind(statement!.query, statement!.params)}`);
    const raw = Object.values(row!)[0];
    const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode }>;
    return nodesOf(plan[0]!.Plan);
  }

  const scansOf = (nodes: PlanNode[], table: string) => nodes.filter((n) => n['Relation Name'] === table);

  it('approvals by insight (is there an override asked for this exhausted budget?)', async () => {
    const scans = scansOf(await planOf('approvals', () => approvalForInsight(database.db, 1234)), 'approvals');
    expect(scans.map((n) => n['Index Name'])).toEqual(['approvals_insight_idx']);
  });

  it("a routine's latest events (View logs)", async () => {
    const nodes = await planOf('events', () => latestEventsOfRoutine(database.db, 'routine-7', 10));
    const indexes = nodes.filter((n) => n['Index Name']).map((n) => n['Index Name']);
    expect(indexes).toContain('events_routine_idx');
    expect(scansOf(nodes, 'events').some((n) => n['Node Type'] === 'Seq Scan')).toBe(false);
  });

  it('insights whose card still has to be sent (every evaluation)', async () => {
    const found = await findUnpublished(database.db);
    expect(found).toHaveLength(9);
    const nodes = await planOf('insights', () => findUnpublished(database.db));
    expect(nodes.map((n) => n['Index Name']).filter(Boolean)).toContain('insights_unpublished_idx');
    expect(scansOf(nodes, 'insights').some((n) => n['Node Type'] === 'Seq Scan')).toBe(false);
  });

  it('outbox claims take due rows from the due index, not a scan of sent history', async () => {
    const options = OutboxOptions.parse({});
    const nodes = await planOf('chat_outbox', () => claim(database.db, { platforms: ['console'], now: Date.now(), options }));
    const outbox = scansOf(nodes, 'chat_outbox');
    expect(outbox.some((n) => n['Node Type'] === 'Seq Scan')).toBe(false);
    expect(outbox.map((n) => n['Index Name'])).toContain('chat_outbox_due_idx');
  });

  it('/metrics counts the outbox from counters kept on write, and they match the rows', async () => {
    const stats = await outboxStats(database.db);
    const [actual] = await database.query<{ sent: number; pending: number }>(
      sql`select count(*) filter (where status = 'sent')::int as sent, count(*) filter (where status = 'pending')::int as pending from chat_outbox`,
    );
    expect({ sent: stats.sent, pending: stats.pending }).toEqual({ sent: Number(actual!.sent), pending: Number(actual!.pending) });
    seen.length = 0;
    await outboxStats(database.db);
    // Neither statement reads the outbox as a whole: one sums the counters, one asks the due index.
    for (const { query, params } of seen.filter((s) => s.query.includes('chat_outbox'))) {
      const [row] = await database.query<Record<string, unknown>>(sql`explain (format json) ${bind(query, params)}`);
      const raw = Object.values(row!)[0];
      const nodes = nodesOf(((typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode }>)[0]!.Plan);
      expect(scansOf(nodes, 'chat_outbox').some((n) => n['Node Type'] === 'Seq Scan')).toBe(false);
    }
  });
});

/** The logged statement again, with its parameters bound by the driver as they were sent. */
function bind(query: string, params: unknown[]): SQL {
  const parts = query.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  parts.forEach((part, i) => chunks.push(i % 2 === 0 ? sql.raw(part) : sql`${params[Number(part) - 1]}`));
  return sql.join(chunks, sql.raw(''));
}

/** Tables of a size where a scan costs more than an index: months of events, a busy outbox. */
async function seed(database: Database): Promise<void> {
  await database.query(sql`
    insert into events (source, event_key, type, occurred_at, received_at, attributes, known)
    select 'seed', 'e' || g, 'routine.run_completed', now() - make_interval(secs => g), now() - make_interval(secs => g),
           case when g % 40 = 0 then jsonb_build_object('routine', 'routine-' || (g / 40) % 60) else jsonb_build_object('runtime', 'rt-' || g % 30) end,
           true
    from generate_series(1, 60000) g`);
  await database.query(sql`
    insert into approvals (kind, target_kind, target_id, params, rationale, requested_by, requested_by_key, status, insight_id, created_at)
    select 'budget_override', 'routine', 'routine-' || g, '{}'::jsonb, 'seed', '{}'::jsonb, 'seed', 'approved', g, now()
    from generate_series(1, 5000) g`);
  await database.query(sql`
    insert into insights (fingerprint, kind, scope, severity, category, status, title, detection, detection_hash, version, published_version, first_seen_at, last_seen_at)
    select 'fp-' || g, 'runtime_down', 'rt-' || g, 'critical', 'operational', 'resolved', 't',
           jsonb_build_object('scope', 'rt-' || g, 'summary', 's', 'entities', '[]'::jsonb), 'h',
           case when g % 5000 in (1, 2, 3) then 3 else 2 end, 2, now(), now()
    from generate_series(1, 15000) g`);
  await database.query(sql`insert into chat_channels (platform, channel, next_post_at) values ('console', 'ops', 'epoch')`);
  await database.query(sql`
    insert into chat_outbox (kind, platform, channel, card_key, card, priority, status, attempts, available_at, created_at, updated_at, sent_at)
    select 'update', 'console', 'ops', 'insight:' || g || ':1', '{}'::jsonb, 1, 'sent', 1, now(), now() - make_interval(secs => g), now(), now()
    from generate_series(1, 20000) g`);
  await database.query(sql`
    insert into chat_outbox (kind, platform, channel, card_key, card, priority, status, attempts, available_at, created_at, updated_at)
    select 'post', 'console', 'ops', 'doctor_run:' || g, '{}'::jsonb, 0, 'pending', 0, now() + interval '1 hour', now(), now()
    from generate_series(1, 5) g`);
  await database.query(sql`analyze`);
}
