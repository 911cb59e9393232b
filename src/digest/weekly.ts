import { asc, count, gte, ne, or } from 'drizzle-orm';
import type { Card } from '../chat/card.js';
import type { Db } from '../db/client.js';
import { incidents, tickets } from '../db/schema/incidents.js';
import { plural } from '../insights/catalog/helpers.js';
import { listTickets } from '../tickets/builtin.js';
import { ticketRef } from '../tickets/port.js';
import { firstEventAt, METRICS, WEEK_MS, weeklyCounts, type Metric } from './counts.js';

/**
 * The weekly digest for the ops channel: the past week's incidents, failure counts against the
 * weeks before, and where the preventive tickets stand, in plain words (the seed's "1 week
 * later" status: "Stuck loops: 0 (baseline: 0-2 per week)").
 */
export type DigestContext = { db: Db; now: () => number };

const BASELINE_WEEKS = 4;
const MAX_LISTED = 10;

const LABELS: Record<Metric, string> = {
  stuck_loops: 'Stuck loops',
  runtime_failures: 'Runtime failures',
  routine_failures: 'Routine failures',
  mcp_failures: 'MCP failures',
};

/** 1.5 → "1.5", 2 → "2", 0.25 → "0.3": a baseline is a rough number, not a precise one. */
const rough = (n: number): string => String(Math.round(n * 10) / 10);

/** "7 this week (baseline 1.5/week, ↑)"; without earlier weeks there is nothing to compare to. */
export function trendLine(thisWeek: number, previous: number[]): string {
  if (previous.length === 0) return `${thisWeek} this week (no baseline yet: Triage has less than a week of history)`;
  const baseline = previous.reduce((a, b) => a + b, 0) / previous.length;
  const arrow = thisWeek > baseline ? '↑' : thisWeek < baseline ? '↓' : 'same as usual';
  return `${thisWeek} this week (baseline ${rough(baseline)}/week, ${arrow})`;
}

const day = (at: Date): string => at.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const time = (at: Date): string => `${day(at)} ${at.toISOString().slice(11, 16)} UTC`;

function durationWords(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}

type IncidentRow = typeof incidents.$inferSelect;

function incidentLine(row: IncidentRow, now: number): string {
  const head = `• #${row.id} ${row.title}`;
  if (row.resolvedAt) return `${head}: resolved after ${durationWords(row.resolvedAt.getTime() - row.openedAt.getTime())} (opened ${time(row.openedAt)})`;
  return `${head}: still ${row.status}, ${durationWords(now - row.openedAt.getTime())} since ${time(row.openedAt)}`;
}

async function incidentSection(db: Db, now: number): Promise<{ lines: string[]; unresolved: number }> {
  const since = new Date(now - WEEK_MS);
  // Opened this week, or older and still not resolved: both belong in this week's picture.
  const rows = await db.select().from(incidents).where(or(gte(incidents.openedAt, since), ne(incidents.status, 'resolved'))).orderBy(asc(incidents.openedAt));
  const unresolved = rows.filter((r) => r.status !== 'resolved').length;
  if (rows.length === 0) return { lines: ['No incidents in the past 7 days.'], unresolved };
  const recent = rows.filter((r) => r.openedAt >= since).length;
  const older = rows.length - recent;
  const head = `${plural(recent, 'incident')} in the past 7 days${older > 0 ? `, and ${plural(older, 'older one')} not yet resolved` : ''}:`;
  const shown = rows.slice(-MAX_LISTED).map((r) => incidentLine(r, now));
  const more = rows.length > MAX_LISTED ? [`…and ${rows.length - MAX_LISTED} earlier ones.`] : [];
  return { lines: [head, ...more, ...shown], unresolved };
}

async function ticketSection(db: Db): Promise<{ value: string; lines: string[] }> {
  const rows = await db.select({ status: tickets.status, n: count() }).from(tickets).groupBy(tickets.status);
  const of = (status: string): number => Number(rows.find((r) => r.status === status)?.n ?? 0);
  const [open, closed] = [of('open'), of('closed')];
  if (open + closed === 0) return { value: 'None filed yet', lines: [] };
  const listed = (await listTickets(db, { status: 'open' })).slice(0, MAX_LISTED);
  const lines = listed.map((t) => `• ${ticketRef(t)} ${t.title}${t.owner ? ` (${t.owner})` : ''}`);
  return { value: `${open} open, ${closed} closed`, lines: lines.length > 0 ? ['', 'Open preventive tickets:', ...lines] : [] };
}

/** Previous weeks Triage was already receiving events in, at most BASELINE_WEEKS. */
function baselineWeeks(first: number | undefined, now: number): number {
  if (first === undefined) return 0;
  let weeks = 0;
  while (weeks < BASELINE_WEEKS && first < now - (weeks + 1) * WEEK_MS) weeks++;
  return weeks;
}

export async function weeklyDigest(ctx: DigestContext): Promise<Card> {
  const now = ctx.now();
  const [counts, first, incidentInfo, ticketInfo] = await Promise.all([
    weeklyCounts(ctx.db, now, BASELINE_WEEKS + 1),
    firstEventAt(ctx.db),
    incidentSection(ctx.db, now),
    ticketSection(ctx.db),
  ]);
  const history = baselineWeeks(first, now);
  const rising = METRICS.filter((m) => {
    const previous = counts[m].slice(1, 1 + history);
    return previous.length > 0 && counts[m][0]! > previous.reduce((a, b) => a + b, 0) / previous.length;
  });
  return {
    title: `Weekly digest: ${day(new Date(now - WEEK_MS))} – ${day(new Date(now))}`,
    severity: incidentInfo.unresolved > 0 || rising.length > 0 ? 'warning' : 'info',
    category: 'operational',
    state: 'info',
    text: [...incidentInfo.lines, ...ticketInfo.lines].join('\n'),
    fields: [
      ...METRICS.map((m) => ({ label: LABELS[m], value: trendLine(counts[m][0]!, counts[m].slice(1, 1 + history)) })),
      { label: 'Preventive tickets', value: ticketInfo.value },
    ],
    entities: [],
    actions: [],
    context: rising.length > 0 ? `Up on the usual: ${rising.map((m) => LABELS[m].toLowerCase()).join(', ')}.` : 'Nothing above its usual level this week.',
  };
}
