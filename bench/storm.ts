import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startTriage } from '../src/app.js';
import type { Card } from '../src/chat/card.js';
import type { ChatPort } from '../src/chat/port.js';
import { Config } from '../src/config.js';
import { ok } from '../src/result.js';
import type { Benchmark } from './support/benchmark.js';
import { postBatches } from './support/post-batches.js';
import { createFreshDatabase, openPostgresServer } from './support/postgres.js';

const EVENTS = 20_000;
const FINGERPRINTS = 50;
const BATCH = 100;
const CONCURRENCY = 16;
const GOAL_FIRST_CARD_MS = 1_000;
const GOAL_RSS_MB = 300;
const say = (line: string) => process.stdout.write(`storm: ${line}\n`);

/** Stands in for Slack's far side: records when each post and update reached "the channel". */
function recordingChat() {
  const posts: Array<{ at: number; channel: string; card: Card }> = [];
  const updates: Array<{ at: number; messageId: string }> = [];
  const port: ChatPort = {
    platform: 'slack',
    async post(channel, card) {
      posts.push({ at: performance.now(), channel, card });
      return ok({ messageId: `m${posts.length}` });
    },
    async update(_channel, messageId) {
      updates.push({ at: performance.now(), messageId });
      return ok(undefined);
    },
    async postInThread() {
      return ok({ messageId: 'thread' });
    },
    async replyPrivately() {
      return ok(undefined);
    },
  };
  return { port, posts, updates };
}

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

async function run(): Promise<{ goalsMet: boolean }> {
  const server = await openPostgresServer();
  const database = await createFreshDatabase(server.adminUrl, 'bench_storm');
  const chat = recordingChat();
  const config = Config.parse({
    port: 0,
    databaseUrl: database.url,
    ingestToken: 'bench-storm-token-0123456789',
    dataDir: mkdtempSync(join(tmpdir(), 'triage-storm-')),
    logLevel: 'silent',
  });
  const triage = await startTriage(config, { logger: pino({ level: 'silent' }), chatPorts: [chat.port] });
  try {
    const events = stormEvents(Date.now());
    const started = performance.now();
    const load = await postBatches(triage.url, config.ingestToken!, events, { batchSize: BATCH, concurrency: CONCURRENCY, requestTimeoutMs: 30_000 });
    if (load.failures) throw new Error(`${load.failures} requests failed: ${load.firstFailures.join('; ')}`);
    const intakeMs = performance.now() - started;
    await triage.copilot.engine.idle();
    // Slack's budget is one post per second per channel: 50 cards in #ops take about 50 s.
    const deadline = Date.now() + 120_000;
    while (chat.posts.length < FINGERPRINTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 3_000)); // anything extra would show up now
    const firstCardMs = (chat.posts[0]?.at ?? NaN) - started;
    const lastCardMs = (chat.posts.at(-1)?.at ?? NaN) - started;
    const perCard = new Map<string, number[]>();
    for (const u of chat.updates) perCard.set(u.messageId, [...(perCard.get(u.messageId) ?? []), u.at]);
    const minGapMs = Math.min(...[...perCard.values()].flatMap((ats) => ats.slice(1).map((at, i) => at - ats[i]!)), Infinity);
    const postGaps = chat.posts.slice(1).map((p, i) => p.at - chat.posts[i]!.at);
    const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);

    say(`${EVENTS} events over ${FINGERPRINTS} fingerprints in ${Math.round(intakeMs)} ms = ${Math.round((EVENTS * 1000) / intakeMs)} events/s through POST /v1/events (batches of ${BATCH}, ${CONCURRENCY} concurrent, PostgreSQL)`);
    say(`first card posted ${Math.round(firstCardMs)} ms after the first event (goal <= ${GOAL_FIRST_CARD_MS} ms); last of them at ${Math.round(lastCardMs)} ms`);
    say(`cards posted ${chat.posts.length} (goal exactly ${FINGERPRINTS}); updates sent ${chat.updates.length}; critical first: ${chat.posts[0]?.card.severity}`);
    say(`smallest gap between two updates of one card ${Number.isFinite(minGapMs) ? Math.round(minGapMs) : '—'} ms (goal >= 2000); smallest gap between posts to #ops ${Math.round(Math.min(...postGaps, Infinity))} ms (goal >= 1000, measured at the port: delivery time jitters by tens of ms)`);
    say(`peak RSS ${rssMb} MB for this process: Triage plus the load generator (goal < ${GOAL_RSS_MB} MB)`);
    const misses = [
      !(firstCardMs <= GOAL_FIRST_CARD_MS) && `first card ${Math.round(firstCardMs)} ms`,
      chat.posts.length !== FINGERPRINTS && `${chat.posts.length} cards`,
      Number.isFinite(minGapMs) && minGapMs < 2000 && `update gap ${Math.round(minGapMs)} ms`,
      postGaps.some((g) => g < 1000 - 100) && 'post gap under 1 s',
      rssMb >= GOAL_RSS_MB && `RSS ${rssMb} MB`,
    ].filter(Boolean);
    say(misses.length ? `goals NOT met: ${misses.join('; ')}` : 'goals met');
    return { goalsMet: misses.length === 0 };
  } finally {
    await triage.stop();
    await database.drop();
    await server.stop();
  }
}

export default { name: 'storm', run } satisfies Benchmark;
