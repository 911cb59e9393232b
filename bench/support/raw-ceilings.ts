import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { withTimeout } from './command.js';
import type { BenchEvent } from './events.js';
import { connect } from './postgres.js';

/**
 * What PostgreSQL itself can take for Triage's row shape, with no HTTP, validation or
 * coalescing in between: the ceilings Triage's figure is judged against. The clock covers
 * serialising the rows too, since Triage has to do that as well.
 */
const COLUMNS = ['source', 'event_key', 'type', 'occurred_at', 'attributes', 'known'] as const;

export type Writer = { write(events: readonly BenchEvent[]): Promise<number>; close(): Promise<void> };

/** One COPY ... FROM STDIN in text format per call: a single statement and a single commit. */
export function copyWriter(url: string): Writer {
  const sql = connect(url);
  return {
    async write(events) {
      const started = performance.now();
      const stream = await sql`copy events (${sql(COLUMNS)}) from stdin`.writable();
      await withTimeout(pipeline(Readable.from(copyText(events)), stream), 120_000, 'COPY');
      return performance.now() - started;
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

/** Sequential parameterised multi-row INSERTs (autocommit: one commit each), as a plain app would batch. */
export function insertWriter(url: string, rowsPerStatement: number): Writer {
  const sql = connect(url);
  return {
    async write(events) {
      const started = performance.now();
      for (let i = 0; i < events.length; i += rowsPerStatement) {
        // attributes go as JSON text; PostgreSQL types the parameter from the jsonb column.
        const rows = events.slice(i, i + rowsPerStatement).map((e) => ({
          source: e.source,
          event_key: e.id,
          type: e.type,
          occurred_at: e.occurredAt,
          attributes: JSON.stringify(e.attributes),
          known: true,
        }));
        await sql`insert into events ${sql(rows, ...COLUMNS)}`;
      }
      return performance.now() - started;
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

/** COPY text format: tab-separated, with backslash, tab, newline and CR escaped. ~64 KB chunks. */
function* copyText(events: readonly BenchEvent[]): Generator<string> {
  let chunk = '';
  for (const e of events) {
    const fields = [e.source, e.id, e.type, e.occurredAt, JSON.stringify(e.attributes), 't'];
    chunk += fields.map(escapeCopy).join('\t') + '\n';
    if (chunk.length > 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

const escapeCopy = (value: string): string =>
  value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
