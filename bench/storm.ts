import type { Benchmark } from './support/benchmark.js';
import { postBatches } from './support/post-batches.js';
import { connect, createFreshDatabase, openPostgresServer } from './support/postgres.js';
import { buildIfStale, startTriageProcess } from './support/triage-process.js';

const EVENTS = 20_000;
const FINGERPRINTS = 50;
const BATCH = 100;
const CONCURRENCY = 16;
const GOAL_FIRST_CARD_MS = 1_000;
const GOAL_RSS_MB = 300;
const say = (line: string) => process.stdout.write(`storm: ${line}\n`);

/**
 * 20,000 events over 50 runtimes whose memory climbs past 90%: 50 fingerprints of
 * runtime_memory_high, each re-detected hundreds of times with changing evidence. Dates spread
 * over the last minute so every reading is "recent" and later readings change the card.
 */
function stormEvents(now: number) {
  return Array.from({ length: EVENTS }, (_, i) => {
    const runtime = `storm-runtime-${String(i % FINGERPRINTS).padStart(2, '0')}`;
    const usedMb = 1850 + ((i * 7) % 190);
    return {
      id: `storm-${i}`,
      type: 'runtime.memory',
      source: 'bench-storm',
      occurredAt: new Date(now - 60_000 + Math.floor((i / EVENTS) * 59_000)).toISOString(),
      attributes: { runtime, usedMb, limitMb: 2048 },
    };
  });
}

type Delivered = { posts: number; otherPosts: number; updates: number; firstPostAt: number | null; lastPostAt: number | null; minPostGapMs: number | null; minUpdateGapMs: number | null };

/** What reached the chat (the console, as `npm start` runs it), read from the outbox's own record. */
async function delivered(sql: ReturnType<typeof connect>): Promise<Delivered> {
  const [row] = await sql<Array<Record<string, string | number | null>>>`
    with sent as (
      select kind, card_key, extract(epoch from sent_at) * 1000 as at,
             -- Gaps are between hand-overs to the platform (claimed_at): the outbox spaces those;
             -- sent_at also carries each call's own latency.
             extract(epoch from claimed_at) * 1000 as handed,
             lag(extract(epoch from claimed_at) * 1000) over (partition by kind, case when kind = 'update' then card_key end order by claimed_at) as prev
      from chat_outbox where status = 'sent')
    select count(*) filter (where kind = 'post' and card_key like 'insight:%') as posts, count(*) filter (where kind = 'update') as updates,
           count(*) filter (where kind = 'post' and card_key not like 'insight:%') as other_posts,
           min(at) filter (where kind = 'post') as first_post, max(at) filter (where kind = 'post') as last_post,
           min(handed - prev) filter (where kind = 'post') as min_post_gap, min(handed - prev) filter (where kind = 'update') as min_update_gap
    from sent`;
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    posts: Number(row!.posts),
    otherPosts: Number(row!.other_posts),
    updates: Number(row!.updates),
    firstPostAt: n(row!.first_post),
    lastPostAt: n(row!.last_post),
    minPostGapMs: n(row!.min_post_gap),
    minUpdateGapMs: n(row!.min_update_gap),
  };
}

/**
 * Triage runs as its own process, built and started as `npm start` does (console adapter, real
 * PostgreSQL, fsync on), so its peak RSS is its own; the storm comes from this process.
 */
async function run(): Promise<{ goalsMet: boolean }> {
  if (await buildIfStale()) say('dist/ was stale: rebuilt');
  const server = await openPostgresServer();
  const database = await createFreshDatabase(server.adminUrl, 'bench_storm');
  const triage = await startTriageProcess(database.url);
  const sql = connect(database.url);
  try {
    const events = stormEvents(Date.now());
    const startedAt = Date.now();
    const started = performance.now();
    const load = await postBatches(triage.url, triage.token, events, { batchSize: BATCH, concurrency: CONCURRENCY, requestTimeoutMs: 30_000 });
    if (load.failures) throw new Error(`${load.failures} requests failed: ${load.firstFailures.join('; ')}`);
    const intakeMs = performance.now() - started;
    // Slack's budget is one post per second per channel: 50 cards in #ops take about 50 s.
    const deadline = Date.now() + 120_000;
    let seen = await delivered(sql);
    while (seen.posts < FINGERPRINTS && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      seen = await delivered(sql);
    }
    await new Promise((r) => setTimeout(r, 4_000)); // a 51st card, or late updates, would show now
    seen = await delivered(sql);
    const memory = triage.memory();
    const firstCardMs = seen.firstPostAt === null ? NaN : seen.firstPostAt - startedAt;
    const lastCardMs = seen.lastPostAt === null ? NaN : seen.lastPostAt - startedAt;
    const critical = (await sql<Array<{ n: number }>>`select count(*)::int as n from chat_outbox where kind = 'post' and priority = 0 and card_key like 'insight:%'`)[0]?.n ?? 0;

    say(`${EVENTS} events over ${FINGERPRINTS} fingerprints in ${Math.round(intakeMs)} ms = ${Math.round((EVENTS * 1000) / intakeMs)} events/s through POST /v1/events (batches of ${BATCH}, ${CONCURRENCY} concurrent, PostgreSQL 15 fsync on)`);
    say(`first card posted ${Math.round(firstCardMs)} ms after the first event (goal <= ${GOAL_FIRST_CARD_MS} ms); the 50th at ${Math.round(lastCardMs)} ms (one post per second per channel)`);
    say(`insight cards posted ${seen.posts} (goal exactly ${FINGERPRINTS}, ${critical} critical); other cards ${seen.otherPosts} (the incident the storm opens: its header and its thread); updates sent ${seen.updates}`);
    say(`smallest gap between two updates of one card ${seen.minUpdateGapMs === null ? '— (none needed)' : `${Math.round(seen.minUpdateGapMs)} ms`} (goal >= 2000); smallest gap between post hand-overs to #ops ${Math.round(seen.minPostGapMs ?? NaN)} ms (goal >= 1000)`);
    say(`Triage peak RSS ${Math.round(memory.peakMb)} MB (VmHWM; goal < ${GOAL_RSS_MB} MB)`);
    const misses = [
      !(firstCardMs <= GOAL_FIRST_CARD_MS) && `first card ${Math.round(firstCardMs)} ms`,
      seen.posts !== FINGERPRINTS && `${seen.posts} cards`,
      seen.minUpdateGapMs !== null && seen.minUpdateGapMs < 2000 && `update gap ${Math.round(seen.minUpdateGapMs)} ms`,
      seen.minPostGapMs !== null && seen.minPostGapMs < 1000 && `post gap ${Math.round(seen.minPostGapMs)} ms`,
      memory.peakMb >= GOAL_RSS_MB && `RSS ${memory.peakMb} MB`,
    ].filter(Boolean);
    say(misses.length ? `goals NOT met: ${misses.join('; ')}` : 'goals met');
    return { goalsMet: misses.length === 0 };
  } finally {
    await sql.end({ timeout: 5 });
    await triage.stop();
    await database.drop();
    await server.stop();
  }
}

export default { name: 'storm', run } satisfies Benchmark;
