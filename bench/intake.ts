import { randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { openDatabase } from '../src/db/client.js';
import { median } from './support/ack-rounds.js';
import { buildBaseline, type BaselineBuild } from './support/baseline-build.js';
import type { Benchmark } from './support/benchmark.js';
import { generateEvents, type BenchEvent } from './support/events.js';
import { postBatches } from './support/post-batches.js';
import { connect, createFreshDatabase, describeServer, openPostgresServer, startPostgresCpuMeter } from './support/postgres.js';
import { copyWriter, insertWriter, type Writer } from './support/raw-ceilings.js';
import { countRolledUpCalls, postOtlp } from './support/intake-otlp.js';
import { buildIfStale, startTriageProcess, waitUntilIdle, type Memory } from './support/triage-process.js';

const EVENTS = 20_000;
const WARMUP = 1_000;
const BATCH = 100;
const CONCURRENCY = 16;
const INSERT_ROWS = 500;
const GOAL_RATIO = 0.5;
const GOAL_RSS_MB = 250;
/** OTLP/HTTP protobuf: requests of this many spans, this many at once (an SDK batch exporter sends 512). */
const OTLP_REQUESTS = 200;
const OTLP_SPANS = 500;
const OTLP_CONCURRENCY = 4;
const GOAL_SPANS_PER_CORE = 100_000;
/** Baseline and current Triage are measured this many times each, alternating, the order swapped each round. */
const ROUNDS = 3;
/** events/s may not fall more than 5% from the code before the replica work (7550fb6, the commit before 45f7f10). */
const GOAL_BASELINE_RATIO = 0.95;
const BASELINE_REF = process.env.BENCH_BASELINE_REF || '7550fb6';
const SOURCE = 'bench-intake';
const WARMUP_SOURCE = 'bench-warmup';

const say = (line: string) => process.stdout.write(`intake: ${line}\n`);
const perSecond = (rows: number, ms: number) => Math.round((rows * 1000) / ms);

/**
 * Triage's intake against real PostgreSQL 15 with fsync on, next to the two ceilings the same
 * server offers for the same rows (one COPY; sequential 500-row INSERTs), and next to the code
 * before the replica work (BENCH_BASELINE_REF, default 7550fb6), built in a temporary git
 * worktree and measured in the same run: rounds alternate baseline and current, so drift in the
 * host's load falls on both. Each variant gets its own fresh database so every one starts from
 * empty tables and indexes.
 */
async function run(): Promise<{ goalsMet: boolean }> {
  if (await buildIfStale()) say('dist/ was stale: rebuilt with tsc -p tsconfig.build.json');
  const runId = randomBytes(3).toString('hex');
  const warmup = generateEvents(WARMUP_SOURCE, WARMUP, `warm-${runId}`, 7);
  const measured = generateEvents(SOURCE, EVENTS, `ev-${runId}`);

  const baseline = await buildBaseline(BASELINE_REF).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  if (baseline instanceof Error) say(`baseline ${BASELINE_REF} could not be built: ${baseline.message.slice(0, 2_000)}`);
  else say(`baseline ${baseline.ref} = ${baseline.commit.slice(0, 12)}, built in a temporary git worktree in ${(baseline.buildMs / 1000).toFixed(0)} s`);
  const server = await openPostgresServer();
  try {
    const info = await describeServer(server.adminUrl);
    const where = process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : 'throwaway server';
    say(`PostgreSQL ${info.version} (${where}), fsync=${info.fsync}, synchronous_commit=${info.synchronousCommit}`);
    if (info.fsync !== 'on') say('WARNING: fsync is off; these figures are not production-like');
    // Triage, PostgreSQL and this load generator share the host's CPUs: say how busy it already was.
    say(`host: ${availableParallelism()} CPUs, load average ${loadavg()[0]!.toFixed(2)} before the run`);

    const rounds = await measureRounds(server.adminUrl, baseline, warmup, measured);
    const copy = await measureRaw(server.adminUrl, 'bench_copy', copyWriter, warmup, measured);
    const insert = await measureRaw(server.adminUrl, 'bench_insert', (url) => insertWriter(url, INSERT_ROWS), warmup, measured);
    const otlp = await measureOtlp(server.adminUrl);

    const triage = pooled(rounds.current);
    const triageRate = perSecond(EVENTS * rounds.current.length, triage.ms);
    const copyRate = perSecond(EVENTS, copy.ms);
    const insertRate = perSecond(EVENTS, insert.ms);
    const ratio = triageRate / copyRate;
    const byRound = (figures: TriageFigures[]) => figures.map((f) => perSecond(EVENTS, f.ms)).join(', ');
    say(
      `triage ${rounds.current.length} × ${EVENTS} events in ${Math.round(triage.ms)} ms = ${triageRate} events/s (batches of ${BATCH}, ${CONCURRENCY} concurrent; ` +
        `by round ${byRound(rounds.current)})`,
    );
    say(
      `raw COPY ${copyRate} rows/s (PostgreSQL ${copy.postgresMs ?? 'n/a'} ms CPU); ` +
        `raw INSERT x${INSERT_ROWS} ${insertRate} rows/s (PostgreSQL ${insert.postgresMs ?? 'n/a'} ms CPU)`,
    );
    say(`ratio triage/COPY = ${ratio.toFixed(2)} (goal >= ${GOAL_RATIO.toFixed(2)}); triage/INSERT${INSERT_ROWS} = ${(triageRate / insertRate).toFixed(2)}`);
    const cpu = triage.cpu;
    const micros = (ms: number | undefined, n: number) => (ms === undefined ? 'n/a' : ((1000 * ms) / n).toFixed(1));
    say(
      `CPU per row: triage ${micros(cpu.triageMs, EVENTS * rounds.current.length)} µs per event during the load ` +
        `(${micros(cpu.triageMs + triage.settle.cpuMs, EVENTS * rounds.current.length)} with the settling after it), PostgreSQL ${micros(cpu.postgresMs, EVENTS * rounds.current.length)} µs per event; ` +
        `PostgreSQL ${micros(copy.postgresMs, EVENTS)} µs per COPY row (schedstat of every backend)`,
    );
    const spansPerCore = Math.round((otlp.spans * 1000) / otlp.triageCpuMs);
    say(
      `OTLP/HTTP protobuf ${otlp.spans} spans (${OTLP_REQUESTS} requests of ${OTLP_SPANS}, ${OTLP_CONCURRENCY} concurrent) in ${Math.round(otlp.ms)} ms = ` +
        `${perSecond(otlp.spans, otlp.ms)} spans/s; triage used ${otlp.triageCpuMs} ms CPU = ${spansPerCore} spans/s per core of triage CPU ` +
        `(goal >= ${GOAL_SPANS_PER_CORE}); peak RSS ${Math.round(otlp.memory.peakMb)} MB`,
    );
    say(
      `during the load triage used ${cpu.triageMs} ms CPU (${Math.round((100 * cpu.triageMs) / triage.ms)}% of one core), ` +
        `the load generator ${cpu.clientMs} ms, PostgreSQL ${cpu.postgresMs ?? 'n/a'} ms (of ${availableParallelism()} × ${Math.round(triage.ms)} ms); ` +
        `triage committed them in ${triage.transactions.count} INSERTs ` +
        `(avg ${triage.transactions.avgRows} rows, max ${triage.transactions.maxRows})`,
    );
    const { settle, memory: mem } = triage;
    say(
      `after the last 202 triage kept working up to ${(settle.ms / 1000).toFixed(1)} s (${settle.cpuMs} ms CPU in all rounds)` +
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
      ...(spansPerCore < GOAL_SPANS_PER_CORE ? [`OTLP ${spansPerCore} spans/s per core < ${GOAL_SPANS_PER_CORE}`] : []),
      ...(otlp.memory.peakMb >= GOAL_RSS_MB ? [`OTLP peak RSS ${Math.round(otlp.memory.peakMb)} MB >= ${GOAL_RSS_MB} MB`] : []),
    ];
    if (!(baseline instanceof Error)) {
      const before = pooled(rounds.baseline);
      const beforeRate = perSecond(EVENTS * rounds.baseline.length, before.ms);
      const against = triageRate / beforeRate;
      const pairs = rounds.current.map((f, i) => rounds.baseline[i]!.ms / f.ms);
      const perEvent = (ms: number | undefined, n: number) => (ms === undefined ? 'n/a' : (ms / (EVENTS * n)).toFixed(3));
      const nb = rounds.baseline.length;
      const nc = rounds.current.length;
      say(
        `baseline ${baseline.ref} (${baseline.commit.slice(0, 12)}) ${beforeRate} events/s (by round ${byRound(rounds.baseline)}), current ${triageRate} events/s: ` +
          `ratio current/baseline ${against.toFixed(2)} (goal >= ${GOAL_BASELINE_RATIO}); by round ${pairs.map((r) => r.toFixed(2)).join(', ')} (median ${median(pairs).toFixed(2)})`,
      );
      say(
        `CPU per event, current vs baseline: during the load triage ${perEvent(triage.cpu.triageMs, nc)} vs ${perEvent(before.cpu.triageMs, nb)} ms, ` +
          `PostgreSQL ${perEvent(triage.cpu.postgresMs, nc)} vs ${perEvent(before.cpu.postgresMs, nb)} ms; ` +
          `triage with the settling after the load ${perEvent(triage.cpu.triageMs + triage.settle.cpuMs, nc)} vs ${perEvent(before.cpu.triageMs + before.settle.cpuMs, nb)} ms; ` +
          `baseline peak RSS ${Math.round(before.memory.peakMb)} MB`,
      );
      if (before.logLines.length) say(`baseline logged ${before.logLines.length} warning/error lines; first: ${before.logLines[0]!.slice(0, 300)}`);
      if (!(against >= GOAL_BASELINE_RATIO)) missed.push(`current/baseline ${against.toFixed(2)} < ${GOAL_BASELINE_RATIO}`);
    }
    say(missed.length ? `goals NOT met: ${missed.join('; ')}` : 'goals met');
    // Without the baseline the comparison the goal asks for was not measured.
    if (baseline instanceof Error) throw new Error(`baseline ${BASELINE_REF} not measured: ${baseline.message.split('\n')[0]}`);
    return { goalsMet: missed.length === 0 };
  } finally {
    await server.stop();
    if (!(baseline instanceof Error)) await baseline.remove();
  }
}

/** ROUNDS rounds of one measurement each of baseline and current, the order swapped each round. */
async function measureRounds(
  adminUrl: string,
  baseline: BaselineBuild | Error,
  warmup: BenchEvent[],
  measured: BenchEvent[],
): Promise<{ current: TriageFigures[]; baseline: TriageFigures[] }> {
  const current: TriageFigures[] = [];
  const before: TriageFigures[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const which of round % 2 === 0 ? (['baseline', 'current'] as const) : (['current', 'baseline'] as const)) {
      if (which === 'current') current.push(await measureTriage(adminUrl, warmup, measured));
      else if (!(baseline instanceof Error)) before.push(await measureTriage(adminUrl, warmup, measured, baseline.entry));
    }
  }
  return { current, baseline: before };
}

/** Several rounds' figures as one: times, CPU and INSERTs add up; memory and settling take the worst round. */
function pooled(rounds: readonly TriageFigures[]): TriageFigures {
  const total = (pick: (f: TriageFigures) => number) => rounds.reduce((sum, f) => sum + pick(f), 0);
  const worst = (pick: (f: TriageFigures) => number) => Math.max(...rounds.map(pick));
  const memory = (pick: (f: TriageFigures) => Memory): Memory => ({
    peakMb: worst((f) => pick(f).peakMb),
    sampledMaxMb: worst((f) => pick(f).sampledMaxMb),
    samples: total((f) => pick(f).samples),
  });
  const postgres = rounds.map((f) => f.cpu.postgresMs);
  const count = total((f) => f.transactions.count);
  return {
    ms: total((f) => f.ms),
    memoryAtLastResponse: memory((f) => f.memoryAtLastResponse),
    memory: memory((f) => f.memory),
    settle: { ms: worst((f) => f.settle.ms), idle: rounds.every((f) => f.settle.idle), cpuMs: total((f) => f.settle.cpuMs) },
    cpu: {
      triageMs: total((f) => f.cpu.triageMs),
      clientMs: total((f) => f.cpu.clientMs),
      ...(postgres.every((ms) => ms !== undefined) ? { postgresMs: total((f) => f.cpu.postgresMs!) } : {}),
    },
    transactions: { count, avgRows: Math.round(total((f) => f.transactions.avgRows * f.transactions.count) / count), maxRows: worst((f) => f.transactions.maxRows) },
    logLines: rounds.flatMap((f) => f.logLines),
  };
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

/** One Triage process on a fresh database; `entry` runs another build (the baseline's) instead of dist/. */
async function measureTriage(adminUrl: string, warmup: BenchEvent[], measured: BenchEvent[], entry?: string): Promise<TriageFigures> {
  const db = await createFreshDatabase(adminUrl, entry ? 'bench_baseline' : 'bench_triage');
  try {
    const triage = await startTriageProcess(db.url, entry ? { entry } : {});
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

/** OTLP trace intake on its own Triage and database: spans per second of Triage CPU, and its RSS. */
async function measureOtlp(adminUrl: string): Promise<{ spans: number; ms: number; triageCpuMs: number; memory: Memory }> {
  const db = await createFreshDatabase(adminUrl, 'bench_otlp');
  try {
    const triage = await startTriageProcess(db.url);
    try {
      const warm = await postOtlp(triage, 20, OTLP_SPANS, OTLP_CONCURRENCY);
      if (warm.failures) throw new Error(`OTLP warm-up: ${warm.failures} requests failed: ${warm.firstFailures.join('; ')}`);
      const load = await postOtlp(triage, OTLP_REQUESTS, OTLP_SPANS, OTLP_CONCURRENCY);
      if (load.failures) throw new Error(`OTLP: ${load.failures} of ${OTLP_REQUESTS} requests failed: ${load.firstFailures.join('; ')}`);
      const memory = triage.memory();
      const counted = await countRolledUpCalls(db.url);
      if (counted !== warm.spans + load.spans) throw new Error(`OTLP: sent ${warm.spans + load.spans} spans, genai_rollups counts ${counted} calls`);
      return { spans: load.spans, ms: load.ms, triageCpuMs: load.triageCpuMs, memory };
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
