import { randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { openDatabase } from '../src/db/client.js';
import type { Benchmark } from './support/benchmark.js';
import { generateEvents, type BenchEvent } from './support/events.js';
import { postBatches } from './support/post-batches.js';
import { connect, createFreshDatabase, describeServer, openPostgresServer, startPostgresCpuMeter } from './support/postgres.js';
import { copyWriter, insertWriter, type Writer } from './support/raw-ceilings.js';
import { buildIfStale, startTriageProcess, waitUntilIdle, type Memory } from './support/triage-process.js';

const EVENTS = 20_000;
const WARMUP = 1_000;
const BATCH = 100;
const CONCURRENCY = 16;
const INSERT_ROWS = 500;
const GOAL_RATIO = 0.5;
const GOAL_RSS_MB = 250;
const SOURCE = 'bench-intake';
const WARMUP_SOURCE = 'bench-warmup';

const say = (line: string) => process.stdout.write(`intake: ${line}\n`);
const perSecond = (rows: number, ms: number) => Math.round((rows * 1000) / ms);

/**
 * Triage's intake against real PostgreSQL 15 with fsync on, next to the two ceilings the same
 * server offers for the same rows (one COPY; sequential 500-row INSERTs). Each variant gets its
 * own fresh database so every one starts from empty tables and indexes.
 */
async function run(): Promise<{ goalsMet: boolean }> {
  if (await buildIfStale()) say('dist/ was stale: rebuilt with tsc -p tsconfig.build.json');
  const runId = randomBytes(3).toString('hex');
  const warmup = generateEvents(WARMUP_SOURCE, WARMUP, `warm-${runId}`, 7);
  const measured = generateEvents(SOURCE, EVENTS, `ev-${runId}`);

  const server = await openPostgresServer();
  try {
    const info = await describeServer(server.adminUrl);
    const where = process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : 'throwaway server';
    say(`PostgreSQL ${info.version} (${where}), fsync=${info.fsync}, synchronous_commit=${info.synchronousCommit}`);
    if (info.fsync !== 'on') say('WARNING: fsync is off; these figures are not production-like');
    // Triage, PostgreSQL and this load generator share the host's CPUs: say how busy it already was.
    say(`host: ${availableParallelism()} CPUs, load average ${loadavg()[0]!.toFixed(2)} before the run`);

    const triage = await measureTriage(server.adminUrl, warmup, measured);
    const copy = await measureRaw(server.adminUrl, 'bench_copy', copyWriter, warmup, measured);
    const insert = await measureRaw(server.adminUrl, 'bench_insert', (url) => insertWriter(url, INSERT_ROWS), warmup, measured);

    const triageRate = perSecond(EVENTS, triage.ms);
    const copyRate = perSecond(EVENTS, copy.ms);
    const insertRate = perSecond(EVENTS, insert.ms);
    const ratio = triageRate / copyRate;
    say(`triage ${EVENTS} events in ${Math.round(triage.ms)} ms = ${triageRate} events/s (batches of ${BATCH}, ${CONCURRENCY} concurrent)`);
    say(
      `raw COPY ${copyRate} rows/s (PostgreSQL ${copy.postgresMs ?? 'n/a'} ms CPU); ` +
        `raw INSERT x${INSERT_ROWS} ${insertRate} rows/s (PostgreSQL ${insert.postgresMs ?? 'n/a'} ms CPU)`,
    );
    say(`ratio triage/COPY = ${ratio.toFixed(2)} (goal >= ${GOAL_RATIO.toFixed(2)}); triage/INSERT${INSERT_ROWS} = ${(triageRate / insertRate).toFixed(2)}`);
    const cpu = triage.cpu;
    say(
      `during the load triage used ${cpu.triageMs} ms CPU (${Math.round((100 * cpu.triageMs) / triage.ms)}% of one core), ` +
        `the load generator ${cpu.clientMs} ms, PostgreSQL ${cpu.postgresMs ?? 'n/a'} ms (of ${availableParallelism()} × ${Math.round(triage.ms)} ms); ` +
        `triage committed them in ${triage.transactions.count} INSERTs ` +
        `(avg ${triage.transactions.avgRows} rows, max ${triage.transactions.maxRows})`,
    );
    const { settle, memory: mem } = triage;
    say(
      `after the last 202 triage kept working ${(settle.ms / 1000).toFixed(1)} s (${settle.cpuMs} ms CPU)` +
        (settle.idle ? ' before going idle' : ', and was still busy when the bench stopped waiting'),
    );
    say(
      `triage peak RSS ${Math.round(mem.peakMb)} MB (goal < ${GOAL_RSS_MB} MB; ${Math.round(triage.memoryAtLastResponse.peakMb)} MB at the last 202; ` +
        `sampled max VmRSS ${Math.round(mem.sampledMaxMb)} MB over ${mem.samples} samples)`,
    );
    if (triage.logLines.length) {
      say(`triage logged ${triage.logLines.length} warning/error lines (kept tail); first: ${triage.logLines[0]!.slice(0, 300)}`);
    }

    const missed = [
      ...(ratio < GOAL_RATIO ? [`triage/COPY ${ratio.toFixed(2)} < ${GOAL_RATIO.toFixed(2)}`] : []),
      ...(mem.peakMb >= GOAL_RSS_MB ? [`peak RSS ${Math.round(mem.peakMb)} MB >= ${GOAL_RSS_MB} MB`] : []),
    ];
    say(missed.length ? `goals NOT met: ${missed.join('; ')}` : 'goals met');
    return { goalsMet: missed.length === 0 };
  } finally {
    await server.stop();
  }
}

type Transactions = { count: number; avgRows: number; maxRows: number };
type TriageFigures = {
  ms: number;
  /** Right after the last 202, and once Triage has gone idle (the goal is judged on the latter). */
  memoryAtLastResponse: Memory;
  memory: Memory;
  settle: { ms: number; idle: boolean; cpuMs: number };
  cpu: { triageMs: number; clientMs: number; postgresMs?: number };
  transactions: Transactions;
  logLines: string[];
};

async function measureTriage(adminUrl: string, warmup: BenchEvent[], measured: BenchEvent[]): Promise<TriageFigures> {
  const db = await createFreshDatabase(adminUrl, 'bench_triage');
  try {
    const triage = await startTriageProcess(db.url);
    try {
      const options = { batchSize: BATCH, concurrency: CONCURRENCY, requestTimeoutMs: 30_000 };
      const warm = await postBatches(triage.url, triage.token, warmup, options);
      if (warm.failures) throw new Error(`warm-up: ${warm.failures} of ${warm.requests} requests failed: ${warm.firstFailures.join('; ')}`);
      const postgresCpu = await startPostgresCpuMeter(adminUrl);
      const cpuBefore = triage.cpuMs();
      const clientBefore = process.cpuUsage();
      const load = await postBatches(triage.url, triage.token, measured, options);
      const client = process.cpuUsage(clientBefore);
      const cpu = {
        triageMs: triage.cpuMs() - cpuBefore,
        clientMs: Math.round((client.user + client.system) / 1000),
        postgresMs: await postgresCpu.stop(),
      };
      const memoryAtLastResponse = triage.memory();
      if (load.failures) {
        throw new Error(`${load.failures} of ${load.requests} requests were not 202 with every event accepted: ${load.firstFailures.join('; ')}`);
      }
      const cpuAtLastResponse = triage.cpuMs();
      const settled = await waitUntilIdle(triage);
      const settle = { ...settled, cpuMs: triage.cpuMs() - cpuAtLastResponse };
      const memory = triage.memory(); // before stopping: VmHWM goes with the process
      await expectRows(db.url, measured.length);
      const transactions = await countTransactions(db.url);
      return { ms: load.ms, memoryAtLastResponse, memory, settle, cpu, transactions, logLines: triage.logLines() };
    } finally {
      await triage.stop();
    }
  } finally {
    await db.drop();
  }
}

async function measureRaw(
  adminUrl: string,
  prefix: string,
  makeWriter: (url: string) => Writer,
  warmup: BenchEvent[],
  measured: BenchEvent[],
): Promise<{ ms: number; postgresMs?: number }> {
  const db = await createFreshDatabase(adminUrl, prefix);
  try {
    // The very migrations Triage applies, so the table, its indexes and defaults are identical.
    const database = await openDatabase({ kind: 'postgres', url: db.url, maxConnections: 1 });
    await database.migrate().finally(() => database.close());
    const writer = makeWriter(db.url);
    try {
      await writer.write(warmup); // opens the connection and warms caches, as Triage's warm-up does
      const postgresCpu = await startPostgresCpuMeter(adminUrl);
      const ms = await writer.write(measured);
      const postgresMs = await postgresCpu.stop();
      await expectRows(db.url, measured.length);
      return { ms, postgresMs };
    } finally {
      await writer.close();
    }
  } finally {
    await db.drop();
  }
}

/**
 * How well the writer coalesced: received_at defaults to now(), the transaction's start time, so
 * each distinct value is one committed INSERT.
 */
async function countTransactions(url: string): Promise<Transactions> {
  const sql = connect(url);
  try {
    const [row] = await sql<{ count: number; avg: number; max: number }[]>`
      select count(*)::int as count, avg(n)::float8 as avg, max(n)::int as max
      from (select count(*) as n from events where source = ${SOURCE} group by received_at) as t`;
    return { count: row!.count, avgRows: Math.round(row!.avg), maxRows: row!.max };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The figure only counts if every event is really there. */
async function expectRows(url: string, expected: number): Promise<void> {
  const sql = connect(url);
  try {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from events where source = ${SOURCE}`;
    if (row?.n !== expected) throw new Error(`expected ${expected} rows for source ${SOURCE}, found ${row?.n}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export default { name: 'intake', run } satisfies Benchmark;
