import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { RetentionConfig } from '../../src/retention/config.js';
import { BOUNDED_TABLES, COMPACTIONS, RETENTION_POLICIES } from '../../src/retention/policies.js';
import { openTestDatabase, type TestDatabase } from '../support/databases.js';

/**
 * Every table in the migrated schema either has a retention policy, is folded by a compaction, or
 * is listed as bounded with the reason. A migration that adds a table fails here until someone
 * decides how long its rows live (docs/architecture.md, invariant 10).
 */
describe('the retention registry', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase('pglite');
  });
  afterAll(() => database.drop());

  const covered = new Set([...RETENTION_POLICIES.flatMap((p) => p.tables), ...COMPACTIONS.map((c) => c.table), ...Object.keys(BOUNDED_TABLES)]);

  it('covers every table of the schema, and names no table that does not exist', async () => {
    const rows = await database.query<{ name: string }>(sql`select tablename as name from pg_tables where schemaname = 'public'`);
    const tables = rows.map((r) => r.name).sort();
    expect(tables.length).toBeGreaterThan(20);
    expect(tables.filter((t) => !covered.has(t)), 'tables with no retention policy and not listed as bounded').toEqual([]);
    expect([...covered].filter((t) => !tables.includes(t)).sort(), 'registry entries for tables that do not exist').toEqual([]);
  });

  it('gives a table either a policy or a reason to be bounded, not both', () => {
    const pruned = new Set([...RETENTION_POLICIES.flatMap((p) => p.tables), ...COMPACTIONS.map((c) => c.table)]);
    expect(Object.keys(BOUNDED_TABLES).filter((t) => pruned.has(t))).toEqual([]);
  });

  it('is stated in the README as it is in the code: every policy with its default and floor', () => {
    const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
    for (const p of RETENTION_POLICIES) expect(readme, p.name).toContain(`| \`${p.name}\` | ${p.defaultDays} | ${p.minDays} |`);
  });

  it('keeps the audit log longest by default', () => {
    const audit = RETENTION_POLICIES.find((p) => p.name === 'audit_log')!;
    expect(Math.max(...RETENTION_POLICIES.map((p) => p.defaultDays))).toBe(audit.defaultDays);
  });

  it('refuses a retention below what the product needs, and a name it does not know, saying which', () => {
    const tooShort = RetentionConfig.safeParse({ days: { chat_work: 0.1 } });
    expect(tooShort.success).toBe(false);
    expect(JSON.stringify(tooShort.error?.issues)).toContain('chat_work must be kept at least 1 day(s)');
    const unknown = RetentionConfig.safeParse({ days: { evnets: 3 } });
    expect(unknown.success).toBe(false);
    expect(JSON.stringify(unknown.error?.issues)).toContain('evnets');
    expect(RetentionConfig.parse({ days: { events: 30 } }).days.events).toBe(30);
    expect(RetentionConfig.parse({}).days.audit_log).toBe(400);
  });
});
