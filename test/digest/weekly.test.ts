import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/actor.js';
import { events } from '../../src/db/schema/events.js';
import { incidents, tickets } from '../../src/db/schema/incidents.js';
import { trendLine, weeklyDigest } from '../../src/digest/weekly.js';
import { findScenario } from '../../src/platform/scenarios/index.js';
import { playScenario } from '../../src/platform/scenarios/player.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { startTestTriage, TEST_TOKEN } from '../support/triage.js';

const NOW = Date.UTC(2026, 4, 11, 9, 0); // Monday 11 May 2026, 09:00 UTC
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
/** A moment in week k before now (0 = the past 7 days), `plus` ms later. */
const inWeek = (k: number, plus = 0): Date => new Date(NOW - (k * 7 + 3) * DAY + plus);

type Event = { type: string; at: Date; attributes: Record<string, unknown> };
let key = 0;
const event = (type: string, at: Date, attributes: Record<string, unknown>): Event => ({ type, at, attributes });

const stuckLoops = (k: number, n: number): Event[] => Array.from({ length: n }, (_, i) => event('loop.started', inWeek(k, i * MIN), { loopId: `w${k}-loop-${i}` }));

/** Five weeks of a platform: the seed's cascade this week, a quieter month before it. */
function history(): Event[] {
  return [
    // Triage has been listening for six weeks, so four full weeks make the baseline.
    event('runtime.heartbeat', new Date(NOW - 42 * DAY), { runtime: 'bash-runtime-mike', intervalSeconds: 30 }),
    event('mcp.health', new Date(NOW - 40 * DAY), { server: 'github', status: 'failing' }), // older than the baseline
    // Stuck loops: 7 this week; 2, 1 (cancelled after 40 min), 3, 0 before (baseline 1.5). A loop
    // that finished within 30 minutes, or started 10 minutes ago, was not stuck.
    ...stuckLoops(0, 7), ...stuckLoops(1, 2), ...stuckLoops(3, 3),
    event('loop.started', inWeek(1), { loopId: 'quick' }),
    event('loop.finished', inWeek(1, 10 * MIN), { loopId: 'quick', outcome: 'completed' }),
    event('loop.started', inWeek(2), { loopId: 'slow-cancelled' }),
    event('loop.finished', inWeek(2, 40 * MIN), { loopId: 'slow-cancelled', outcome: 'cancelled' }),
    event('loop.started', new Date(NOW - 10 * MIN), { loopId: 'just-started' }),
    // Runtimes: Mike (three times) and Priya this week; 1, 2, 1, 2 before (baseline 1.5).
    event('runtime.execution_failed', inWeek(0), { runtime: 'bash-runtime-mike', reason: 'oom' }),
    event('runtime.disconnected', inWeek(0, MIN), { runtime: 'bash-runtime-mike', reason: 'connection_refused' }),
    event('runtime.execution_failed', inWeek(0, 3 * MIN), { runtime: 'bash-runtime-mike', reason: 'connection_refused' }),
    event('runtime.execution_failed', inWeek(0, 2 * MIN), { runtime: 'bash-runtime-priya', reason: 'timeout' }),
    event('runtime.disconnected', inWeek(1), { runtime: 'r1', reason: 'crashed' }),
    event('runtime.disconnected', inWeek(2), { runtime: 'r1', reason: 'crashed' }),
    event('runtime.disconnected', inWeek(2), { runtime: 'r2', reason: 'crashed' }),
    event('runtime.execution_failed', inWeek(3), { runtime: 'r1', reason: 'oom' }),
    event('runtime.execution_failed', inWeek(4), { runtime: 'r1', reason: 'oom' }),
    event('runtime.execution_failed', inWeek(4), { runtime: 'r3', reason: 'oom' }),
    // Routines: one failing and paused routine every week (baseline 1); successes do not count.
    ...[0, 1, 2, 3, 4].flatMap((k) => [
      event('routine.run', inWeek(k), { routine: 'daily-code-review', status: 'failed' }),
      event('routine.run', inWeek(k, MIN), { routine: 'daily-code-review', status: 'failed' }),
      event('routine.run', inWeek(k, 2 * MIN), { routine: 'nightly-digest', status: 'succeeded' }),
    ]),
    event('routine.paused', inWeek(0, 5 * MIN), { routine: 'daily-code-review', reason: 'budget_exhausted' }),
    // MCP: none failing this week (degraded is not failing); one server two weeks ago.
    event('mcp.health', inWeek(0), { server: 'database-query', status: 'degraded' }),
    event('mcp.health', inWeek(2), { server: 'database-query', status: 'failing' }),
  ];
}

async function insertEvents(database: TestDatabase, rows: Event[]): Promise<void> {
  await database.db.insert(events).values(rows.map((e) => ({ source: 'platform', eventKey: `e${++key}`, type: e.type, occurredAt: e.at, attributes: e.attributes, known: true })));
}

const incident = (title: string, status: string, openedAt: Date, resolvedAt?: Date) => ({
  title, status, origin: 'correlated', openedBy: systemActor, channel: 'ops', openedAt, updatedAt: openedAt, ...(resolvedAt ? { resolvedAt } : {}),
});

const ticket = (title: string, status: 'open' | 'closed', owner: string) => ({
  fingerprint: title.toLowerCase().replace(/\W+/g, '-'), title, description: '', labels: [], deliverables: [], owner, status, tracker: 'builtin', createdAt: new Date(NOW - DAY),
});

describe.each(oneDatabaseKind())('the weekly digest on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(() => database.drop());
  beforeEach(async () => {
    await database.query(sql`truncate events, tickets, incident_insights, incidents`);
  });

  it('compares this week with the four before it and lists incidents and preventive tickets', async () => {
    await insertEvents(database, history());
    const opened = new Date(Date.UTC(2026, 4, 7, 14, 32));
    await database.db.insert(incidents).values([
      incident('Cascading failure: MCP pool, runtimes, providers', 'resolved', opened, new Date(opened.getTime() + 47 * MIN)),
      incident('Old and settled', 'resolved', inWeek(2), inWeek(2, 30 * MIN)),
      incident('Slow burn', 'mitigated', new Date(NOW - 10 * DAY)),
    ]);
    await database.db.insert(tickets).values([
      ticket('Add connection backoff logic to routines', 'closed', 'Mike'),
      ticket('Implement memory monitoring for external runtimes', 'open', 'James'),
      ticket('Add provider failover for critical agentic loops', 'open', 'Elena'),
    ]);

    const card = await weeklyDigest({ db: database.db, now: () => NOW });
    expect(card.title).toBe('Weekly digest: 4 May 2026 – 11 May 2026');
    expect(card.severity).toBe('warning');
    expect(card.fields).toEqual([
      { label: 'Stuck loops', value: '7 this week (baseline 1.5/week, ↑)' },
      { label: 'Runtime failures', value: '2 this week (baseline 1.5/week, ↑)' },
      { label: 'Routine failures', value: '1 this week (baseline 1/week, same as usual)' },
      { label: 'MCP failures', value: '0 this week (baseline 0.3/week, ↓)' },
      { label: 'Preventive tickets', value: '2 open, 1 closed' },
    ]);
    const ids = await database.query<{ id: number; title: string }>(sql`select id, title from incidents order by id`);
    const id = (title: string) => ids.find((r) => r.title === title)!.id;
    expect(card.text.split('\n')).toEqual([
      '1 incident in the past 7 days, and 1 older one not yet resolved:',
      `• #${id('Slow burn')} Slow burn: still mitigated, 10 days since 1 May 2026 09:00 UTC`,
      `• #${id('Cascading failure: MCP pool, runtimes, providers')} Cascading failure: MCP pool, runtimes, providers: resolved after 47 min (opened 7 May 2026 14:32 UTC)`,
      '',
      'Open preventive tickets:',
      expect.stringMatching(/^• #\d+ Implement memory monitoring for external runtimes \(James\)$/),
      expect.stringMatching(/^• #\d+ Add provider failover for critical agentic loops \(Elena\)$/),
    ]);
    expect(card.context).toBe('Up on the usual: stuck loops, runtime failures.');
  });

  it('says a quiet week is quiet, and has no baseline before Triage has history', async () => {
    await insertEvents(database, [event('runtime.heartbeat', new Date(NOW - 2 * DAY), { runtime: 'r1', intervalSeconds: 30 })]);
    const card = await weeklyDigest({ db: database.db, now: () => NOW });
    expect(card.severity).toBe('info');
    expect(card.text).toBe('No incidents in the past 7 days.');
    expect(card.fields[0]).toEqual({ label: 'Stuck loops', value: '0 this week (no baseline yet: Triage has less than a week of history)' });
    expect(card.fields.at(-1)).toEqual({ label: 'Preventive tickets', value: 'None filed yet' });
    expect(card.context).toBe('Nothing above its usual level this week.');
  });

  it('averages only over the weeks Triage was listening', async () => {
    // Ten days of history: last week is the only baseline week, not last week plus three zeros.
    await insertEvents(database, [
      event('runtime.heartbeat', new Date(NOW - 10 * DAY), { runtime: 'r1', intervalSeconds: 30 }),
      ...stuckLoops(1, 4),
      ...stuckLoops(0, 2),
    ]);
    const card = await weeklyDigest({ db: database.db, now: () => NOW });
    expect(card.fields[0]).toEqual({ label: 'Stuck loops', value: '2 this week (baseline 4/week, ↓)' });
  });
});

describe.each(oneDatabaseKind())('the weekly digest after the seed story played through Triage on %s', (kind) => {
  it('counts what the seed counts: 7 stuck loops, 2 runtimes, 1 routine, 1 MCP server', async () => {
    const triage = await startTestTriage(kind);
    try {
      const played = await playScenario({ scenario: findScenario('cascading-failure')!, url: triage.url, token: TEST_TOKEN, speed: 50 });
      expect(played.ok).toBe(true);
      await triage.writer.drain();
      const card = await weeklyDigest({ db: triage.testDatabase.db, now: () => Date.now() });
      expect(card.fields.map((f) => f.value.split(' (')[0])).toEqual(['7 this week', '2 this week', '1 this week', '1 this week', 'None filed yet']);
    } finally {
      await triage.close();
    }
  }, 60_000);
});

describe('trend lines', () => {
  it('round the baseline and point the arrow', () => {
    expect(trendLine(7, [2, 1, 3, 0])).toBe('7 this week (baseline 1.5/week, ↑)');
    expect(trendLine(0, [1, 1, 1, 2])).toBe('0 this week (baseline 1.3/week, ↓)');
  });
});
