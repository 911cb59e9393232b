import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

/**
 * SET clauses for multi-row upserts: `excluded.<column>` is the row each conflicting insert
 * proposed, so one statement can upsert many rows with each row's own values.
 */
export function fromExcluded<T extends PgTable>(table: T, keys: Array<keyof T['$inferInsert'] & string>): Record<string, SQL> {
  const columns = getTableColumns(table);
  return Object.fromEntries(keys.map((key) => [key, sql`excluded.${sql.identifier(columns[key]!.name)}`]));
}

/** `coalesce(excluded.<column>, <table>.<column>)`: a value the event leaves out keeps the stored one. */
export function keepUnlessGiven<T extends PgTable>(table: T, keys: Array<keyof T['$inferInsert'] & string>): Record<string, SQL> {
  const columns = getTableColumns(table);
  return Object.fromEntries(
    keys.map((key) => {
      const column = columns[key]!;
      return [key, sql`coalesce(excluded.${sql.identifier(column.name)}, ${column})`];
    }),
  );
}
