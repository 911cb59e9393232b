import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

type Columns<T extends PgTable> = Array<keyof T['$inferInsert'] & string>;

/** SET clauses for multi-row upserts: `excluded.<column>` is the row each conflicting insert proposed. */
export function fromExcluded<T extends PgTable>(table: T, keys: Columns<T>): Record<string, SQL> {
  const columns = getTableColumns(table);
  return Object.fromEntries(keys.map((key) => [key, sql`excluded.${sql.identifier(columns[key]!.name)}`]));
}

/** `coalesce(excluded.<column>, <table>.<column>)`: a value the event leaves out keeps the stored one. */
export function keepUnlessGiven<T extends PgTable>(table: T, keys: Columns<T>): Record<string, SQL> {
  const columns = getTableColumns(table);
  return Object.fromEntries(
    keys.map((key) => {
      const name = sql.identifier(columns[key]!.name);
      return [key, sql`coalesce(excluded.${name}, ${sql.identifier(getTableName(table))}.${name})`];
    }),
  );
}

/**
 * JSON text as a dollar-quoted literal, not a bind parameter: postgres.js sends a statement with
 * parameters in two round trips (describe, then execute) and cannot pipeline it, while statements
 * without any can all go out at once. The tag is chosen so that it does not occur in the text,
 * so the text cannot end the literal early; PostgreSQL takes everything up to the tag verbatim.
 */
export function jsonLiteral(json: string): SQL {
  let tag = 'j';
  for (let n = 1; json.includes(`$${tag}$`); n++) tag = `j${n}`;
  return sql.raw(`$${tag}$${json}$${tag}$::jsonb`);
}

/**
 * `insert ... on conflict (id) do update set ...` (or `do nothing`) for many rows at once, the rows
 * travelling as one JSON literal expanded by jsonb_to_recordset. drizzle's multi-row `.values()`
 * binds one parameter per value and spends a few microseconds on each. Values go through each
 * column's own driver mapping (dates to ISO text, numerics to strings), as drizzle would send
 * them. Every row must have the same keys.
 */
export function upsertRows<T extends PgTable>(table: T, rows: Array<T['$inferInsert']>, onConflict: Record<string, SQL> | 'nothing'): SQL[] {
  if (!rows.length) return [];
  const columns = getTableColumns(table);
  const keys = Object.keys(rows[0]!);
  const json = JSON.stringify(
    rows.map((row) => {
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        const value = (row as Record<string, unknown>)[key];
        out[key] = value === null || value === undefined ? null : columns[key]!.mapToDriverValue(value);
      }
      return out;
    }),
  );
  const names = sql.join(keys.map((key) => sql.identifier(columns[key]!.name)), sql`, `);
  const fields = sql.join(keys.map((key) => sql`${sql.identifier(key)}`), sql`, `);
  const types = sql.raw(keys.map((key) => `"${key}" ${columns[key]!.getSQLType()}`).join(', '));
  const id = sql.identifier(columns.id!.name);
  const action =
    onConflict === 'nothing'
      ? sql`do nothing`
      : sql`do update set ${sql.join(
          Object.entries(onConflict).map(([key, value]) => sql`${sql.identifier(columns[key]!.name)} = ${value}`),
          sql`, `,
        )}`;
  return [
    sql`
    insert into ${table} (${names})
    select ${fields} from jsonb_to_recordset(${jsonLiteral(json)}) as x(${types})
    on conflict (${id}) ${action}`,
  ];
}
