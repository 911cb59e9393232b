import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Database } from '../../src/db/client.js';

/**
 * What the route fuzzers share: reading an answer as a client would, and counting rows before and
 * after, so "nothing was written" is checked once per file against every table there is.
 */

/**
 * Tables a refused request may still touch by design: leases, job ticks and cursors belong to the
 * running replica, not to requests; outbox_counts follows chat_outbox; chat_work is the record of
 * acknowledged chat work (src/chat/pending-work.ts) and console_messages holds the console's
 * private answers, both of which are how a refusal reaches the person.
 */
const BOOKKEEPING = new Set(['leases', 'scheduled_jobs', 'log_cursors', 'outbox_counts', 'chat_work', 'console_messages', '__drizzle_migrations']);

export type RowCounts = Record<string, number>;

export async function rowCounts(database: Database): Promise<RowCounts> {
  const tables = await database.query<{ name: string }>(sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`);
  const counts: RowCounts = {};
  for (const { name } of tables) {
    if (BOOKKEEPING.has(name)) continue;
    const [row] = await database.query<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(name)}`);
    counts[name] = Number(row!.n);
  }
  return counts;
}

/** The tables whose row counts changed: expected to be none. */
export function changed(before: RowCounts, after: RowCounts): Record<string, [number, number]> {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return Object.fromEntries([...names].filter((n) => before[n] !== after[n]).map((n) => [n, [before[n] ?? 0, after[n] ?? 0]]));
}

export type Answer = { status: number; text: string; json: unknown };

/** The answer read to the end: a dropped connection rejects here and fails the property. */
export async function answerOf(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** A 4xx whose JSON body says why, in Triage's error shape `{ error: { code, message } }` or Discord's `{ error }`. */
export function expectRefusal(answer: Answer, context: string): void {
  expect(answer.status, `${context} → ${answer.status} ${answer.text}`).toBeGreaterThanOrEqual(400);
  expect(answer.status, `${context} → ${answer.status} ${answer.text}`).toBeLessThan(500);
  const error = (answer.json as { error?: unknown } | undefined)?.error;
  const message = typeof error === 'string' ? error : (error as { message?: unknown } | undefined)?.message;
  expect(typeof message === 'string' && message.trim().length > 5, `${context}: a refusal says why → ${answer.text}`).toBe(true);
}

/** Percent-encodes any text as one path segment, lone surrogates included (encodeURIComponent throws on those). */
export const segment = (text: string): string =>
  [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
