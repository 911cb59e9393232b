import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { chatOutbox } from '../../db/schema/chat.js';
import { MINUTE, plural } from '../../insights/catalog/helpers.js';
import type { DoctorAction } from '../check.js';
import { classifyDelivery, type DeliveryProblem } from './triage-itself-delivery.js';
import { healthy, type Part } from './triage-itself-parts.js';

type Undelivered = { platform: string; problem: DeliveryProblem; count: number };

/** Failed rows by platform and reason: one line per fix, however many channels or ids differ. */
async function undelivered(database: Database): Promise<Undelivered[]> {
  const rows = await database.db
    .select({ platform: chatOutbox.platform, lastError: chatOutbox.lastError, n: sql<number>`count(*)::int`.mapWith(Number) })
    .from(chatOutbox)
    .where(eq(chatOutbox.status, 'failed'))
    .groupBy(chatOutbox.platform, chatOutbox.lastError);
  const groups = new Map<string, Undelivered>();
  for (const row of rows) {
    const problem = classifyDelivery(row.platform, row.lastError);
    const key = `${row.platform}\u0000${problem.reason}`;
    const group = groups.get(key);
    if (group) group.count += row.n;
    else groups.set(key, { platform: row.platform, problem, count: row.n });
  }
  // Permanent first (they need a person), then the biggest; names break ties so reports are stable.
  return [...groups.values()].sort(
    (a, b) =>
      Number(b.problem.permanent) - Number(a.problem.permanent) ||
      b.count - a.count ||
      `${a.platform} ${a.problem.reason}`.localeCompare(`${b.platform} ${b.problem.reason}`),
  );
}

/**
 * Failed rows are kept until someone acts (chat/outbox/settle.ts): each one is a card nobody saw.
 * A permanent error (bad token, unknown channel) stops every card to that place, so it is a FAIL.
 */
export async function undeliveredPart(database: Database): Promise<Part> {
  const groups = await undelivered(database);
  if (!groups.length) return healthy;
  const total = groups.reduce((sum, g) => sum + g.count, 0);
  const line = (g: Undelivered) => `${g.platform}: ${plural(g.count, 'card')} not delivered (${g.problem.reason})`;
  const actions: DoctorAction[] = groups
    .filter((g) => g.problem.hint)
    .map((g) => ({ kind: 'probe_failing', text: `Fix ${g.platform} delivery (${g.problem.reason}): ${g.problem.hint}`, buttons: [] }));
  return {
    status: groups.some((g) => g.problem.permanent) ? 'fail' : 'warning',
    headline: `${plural(total, 'card')} not delivered`,
    details: groups.map((g) => `• ${line(g)}${g.problem.hint ? `: ${g.problem.hint}` : ''}`),
    actions,
  };
}

/**
 * Rows still waiting long after they were queued: a worker is not running, or every try fails
 * and is retried. The newest error among them says which, when there is one.
 */
export async function waitingPart(database: Database, now: Date, stuckAfterMinutes: number): Promise<Part> {
  const cutoff = new Date(now.getTime() - stuckAfterMinutes * MINUTE);
  const rows = await database.db
    .select({
      platform: chatOutbox.platform,
      n: sql<number>`count(*)::int`.mapWith(Number),
      oldest: sql<number>`(extract(epoch from min(${chatOutbox.createdAt})) * 1000)::float8`.mapWith(Number),
      lastError: sql<string | null>`(array_agg(${chatOutbox.lastError} order by ${chatOutbox.updatedAt} desc) filter (where ${chatOutbox.lastError} is not null))[1]`,
    })
    .from(chatOutbox)
    .where(and(inArray(chatOutbox.status, ['pending', 'in_flight']), lt(chatOutbox.createdAt, cutoff)))
    .groupBy(chatOutbox.platform);
  if (!rows.length) return healthy;
  const limit = `more than ${stuckAfterMinutes} min`;
  const total = rows.reduce((sum, r) => sum + r.n, 0);
  const details = rows.map((r) => {
    const age = Math.floor((now.getTime() - r.oldest) / MINUTE);
    const error = r.lastError ? `; last error: ${classifyDelivery(r.platform, r.lastError).reason}` : '';
    return `• ${r.platform}: ${plural(r.n, 'card')} waiting ${limit} (oldest ${age} min${error})`;
  });
  return { status: 'warning', headline: `${plural(total, 'card')} waiting ${limit}`, details, actions: [] };
}
