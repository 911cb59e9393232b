import { randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import type { Benchmark } from './support/benchmark.js';
import { median } from './support/ack-rounds.js';
import { withTimeout } from './support/command.js';
import type { BenchEvent } from './support/events.js';
import { postBatches } from './support/post-batches.js';
import { connect, createFreshDatabase, describeServer, openPostgresServer } from './support/postgres.js';
import { EXPECTED_CARDS, replicaEvents } from './support/replica-events.js';
import { compareCards, readCards, readLeader, readProgress } from './support/replica-state.js';
import { buildIfStale, startTriageProcess, waitUntilAllIdle, type TriageProcess } from './support/triage-process.js';

const EVENTS = 20_000;
/** Warm-up per setup, split like the measured events: the same rows end up in every database. */
const WARMUP = 2_000;
/** The measured events' occurredAt spread over this much of the recent past. */
const SPAN_MS = 60_000;
const BATCH = 100;
/** In flight in total: all on the one replica, or half on each of two. */
const CONCURRENCY = 16;
/** Each round measures both setups, the order swapped every round (see ROUNDS in bench/ack.ts). */
// BENCH_ROUNDS and BENCH_SKIP_TAKEOVER=1 are for profiling (BENCH_TRIAGE_NODE_ARGS=--cpu-prof): a
// SIGKILLed leader writes no profile.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const GOAL_CPU_RATIO = 1.1;
/** The lease lasts 10 s and a replica that does not lead asks every 2 s (src/cluster/leadership.ts). */
const GOAL_TAKEOVER_MS = 15_000;
const CATCH_UP_MS = 120_000;
/** The outbox posts about one card per second per channel, so draining a dozen cards takes a dozen seconds. */
const DRAIN_MS = 120_000;
const TAKEOVER_WAIT_MS = 60_000;
const RUN_BOUND_MS = 25 * 60_000;
const SOURCE = 'bench-replicas';
const WARMUP_SOURCE = 'bench-replicas-warmup';

const say = (line: string) => process.stdout.write(`replicas: ${line}\n`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const perSecond = (events: number, ms: number) => Math.round((events * 1000) / ms);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

type Takeover = { ms: number; from: string; to?: string };
type Evaluations = { passes: number; rulesSeconds: number; reconcileSeconds: number };
type Figures = {
  replicas: number;
  loadMs: number;
  /** CPU of each Triage process from the first measured request until the leader had caught up and all were idle; the leader first. */
  cpuMs: number[];
  /** From the last 202 until the leader's log position passed every event and every insight was published. */
  caughtUpMs: number;
  cards: string[];
  otherPosts: number;
  /** The leader's evaluations during the measurement (triage_insight_evaluation_seconds): passes, rules and reconcile seconds. */
  evaluations: Evaluations;
  takeover?: Takeover;
  logLines: string[];
};

/**
 * One Triage against two replicas on the same PostgreSQL 15 (fsync on), the same events: every
 * replica takes intake and only the holder of the `evaluator` lease evaluates, following the log
 * for the other replica's events (src/insights/evaluator.ts). Each setup runs on a fresh database;
 * with two replicas the batches alternate between their intakes. Measured per setup: intake
 * events/s; Triage CPU per event (all processes, until the leader has caught up); the insight
 * cards posted once everything is evaluated and the outbox is drained, which must be the same
 * cards; and, with two, how long the other replica takes to lead after the leader is SIGKILLed.
 */
async function run(): Promise<{ goalsMet: boolean }> {
  if (await buildIfStale()) say('dist/ was stale: rebuilt with tsc -p tsconfig.build.json');
  return withTimeout(measureAll(), RUN_BOUND_MS, 'the replicas benchmark');
}

async function measureAll(): Promise<{ goalsMet: boolean }> {
  const server = await openPostgresServer();
  try {
    const info = await describeServer(server.adminUrl);
    const where = process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : 'throwaway server';
    say(`PostgreSQL ${info.version} (${where}), fsync=${info.fsync}, synchronous_commit=${info.synchronousCommit}`);
    say(
      `host: ${availableParallelism()} CPUs, load average ${loadavg()[0]!.toFixed(2)} before the run; ${EVENTS} events per setup after ${WARMUP} warm-up, ` +
        `batches of ${BATCH}, ${CONCURRENCY} in flight (${CONCURRENCY / 2} per replica with two); ${ROUNDS} rounds, the order swapped each round`,
    );
    const one: Figures[] = [];
    const two: Figures[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [1, 2] : [2, 1];
      for (const replicas of order) {
        const figures = await measureSetup(server.adminUrl, replicas);
        (replicas === 1 ? one : two).push(figures);
        say(
          `round ${round + 1}, ${label(replicas)}: ${perSecond(EVENTS, figures.loadMs)} events/s, ${(sum(figures.cpuMs) / EVENTS).toFixed(3)} ms CPU per event` +
            (replicas > 1 ? ` (leader ${(figures.cpuMs[0]! / EVENTS).toFixed(3)}, other ${(figures.cpuMs[1]! / EVENTS).toFixed(3)})` : '') +
            `, caught up ${Math.round(figures.caughtUpMs)} ms after the last 202, ${figures.cards.length} insight cards` +
            `, ${figures.evaluations.passes} evaluations (rules ${Math.round(figures.evaluations.rulesSeconds * 1000)} ms, reconcile ${Math.round(figures.evaluations.reconcileSeconds * 1000)} ms)` +
            (figures.takeover ? `, takeover ${Number.isFinite(figures.takeover.ms) ? seconds(figures.takeover.ms) : 'none'}` : ''),
        );
      }
    }
    const misses = judge(one, two);
    say(misses.length ? `goals NOT met: ${misses.join('; ')}` : 'goals met');
    return { goalsMet: misses.length === 0 };
  } finally {
    await server.stop();
  }
}

/**
 * Every process's evaluations so far, summed from /metrics (only the leader evaluates, but which
 * one leads is the database's word): what tells whether two replicas cost more in rules or writes.
 */
async function evaluationsOf(processes: TriageProcess[]): Promise<Evaluations> {
  const total: Evaluations = { passes: 0, rulesSeconds: 0, reconcileSeconds: 0 };
  for (const p of processes) {
    const text = await fetch(`${p.url}/metrics`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.text());
    const value = (series: string) => Number(new RegExp(`^${series} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? 0);
    total.passes += value('triage_insight_evaluation_seconds_count\\{phase="rules"\\}');
    total.rulesSeconds += value('triage_insight_evaluation_seconds_sum\\{phase="rules"\\}');
    total.reconcileSeconds += value('triage_insight_evaluation_seconds_sum\\{phase="reconcile"\\}');
  }
  return total;
}

const label = (replicas: number) => (replicas === 1 ? 'one replica' : replicas === 2 ? 'two replicas' : `${replicas} replicas`);

/** Prints the figures over all rounds; returns the goals missed. */
function judge(one: Figures[], two: Figures[]): string[] {
  const misses: string[] = [];
  const rate = (setups: Figures[]) => perSecond(EVENTS * setups.length, sum(setups.map((f) => f.loadMs)));
  const byRound = (setups: Figures[], pick: (f: Figures) => number, digits: number) => setups.map((f) => pick(f).toFixed(digits)).join(', ');
  say(`one replica: ${rate(one)} events/s over all rounds (by round ${byRound(one, (f) => perSecond(EVENTS, f.loadMs), 0)})`);
  say(`two replicas: ${rate(two)} events/s over all rounds, split evenly across both intakes (by round ${byRound(two, (f) => perSecond(EVENTS, f.loadMs), 0)}); ratio two/one ${(rate(two) / rate(one)).toFixed(2)}`);

  // Pooled over every round (as bench/ack.ts judges), with each round's own pair beside it.
  const cpuPerEvent = (setups: Figures[]) => sum(setups.map((f) => sum(f.cpuMs))) / (EVENTS * setups.length);
  const ratio = cpuPerEvent(two) / cpuPerEvent(one);
  const pairs = two.map((f, i) => sum(f.cpuMs) / sum(one[i]!.cpuMs));
  const leader = sum(two.map((f) => f.cpuMs[0]!)) / (EVENTS * two.length);
  say(
    `Triage CPU per event (all processes, until the leader caught up): one replica ${cpuPerEvent(one).toFixed(3)} ms, ` +
      `two replicas ${cpuPerEvent(two).toFixed(3)} ms (leader ${leader.toFixed(3)}, other ${(cpuPerEvent(two) - leader).toFixed(3)}); ` +
      `ratio two/one ${ratio.toFixed(2)} (goal <= ${GOAL_CPU_RATIO}); by round ${pairs.map((r) => r.toFixed(2)).join(', ')} (median ${median(pairs).toFixed(2)})`,
  );
  if (!(ratio <= GOAL_CPU_RATIO)) misses.push(`CPU per event two/one ${ratio.toFixed(2)} > ${GOAL_CPU_RATIO}`);
  say(`leader caught up after the last 202: one replica ${byRound(one, (f) => f.caughtUpMs, 0)} ms; two replicas ${byRound(two, (f) => f.caughtUpMs, 0)} ms`);

  // Every setup against the first single replica's cards: two replicas must match it, and one replica must match itself across rounds.
  const reference = one[0]!.cards;
  const differences = [...one.slice(1).map((f, i) => ({ f, what: `one replica, round ${i + 2}` })), ...two.map((f, i) => ({ f, what: `two replicas, round ${i + 1}` }))]
    .map(({ f, what }) => ({ what, diff: compareCards(reference, f.cards) }))
    .filter(({ diff }) => !diff.identical);
  const counts = (setups: Figures[]) => [...new Set(setups.map((f) => f.cards.length))].join('/');
  const others = (setups: Figures[]) => [...new Set(setups.map((f) => f.otherPosts))].join('/');
  say(
    `insight cards posted once caught up and drained (fingerprint#episode): one replica ${counts(one)}, two replicas ${counts(two)} (the stream should raise ${EXPECTED_CARDS}); ` +
      (differences.length ? `DIFFERENT from one replica's round 1 in ${differences.map((d) => d.what).join(', ')}` : `identical in all ${one.length + two.length} setups`) +
      `; other posts (incidents) ${others(one)} and ${others(two)}`,
  );
  for (const { what, diff } of differences) {
    say(`  ${what}: missing ${diff.missing.slice(0, 8).join(', ') || '-'}; extra ${diff.extra.slice(0, 8).join(', ') || '-'}`);
  }
  if (differences.some((d) => d.what.startsWith('two'))) misses.push('two replicas posted different cards');
  if (differences.some((d) => d.what.startsWith('one'))) misses.push('one replica posted different cards in different rounds');

  const takeovers = two.flatMap((f) => (f.takeover ? [f.takeover] : []));
  const worst = Math.max(...takeovers.map((t) => (Number.isFinite(t.ms) ? t.ms : Infinity)));
  say(
    `takeover after SIGKILL of the leader (until another replica holds a live lease): ${takeovers.map((t) => (Number.isFinite(t.ms) ? seconds(t.ms) : `none within ${seconds(TAKEOVER_WAIT_MS)}`)).join(', ')} ` +
      `(goal <= ${seconds(GOAL_TAKEOVER_MS)})`,
  );
  if (!(worst <= GOAL_TAKEOVER_MS)) misses.push(`takeover ${Number.isFinite(worst) ? seconds(worst) : 'never happened'} > ${seconds(GOAL_TAKEOVER_MS)}`);

  for (const [i, f] of [...one, ...two].entries()) {
    if (f.logLines.length) say(`${label(f.replicas)} (setup ${i + 1}) logged ${f.logLines.length} warning/error lines; first: ${f.logLines[0]!.slice(0, 300)}`);
  }
  return misses;
}

/** One setup on a fresh database: start, warm up, measure, wait for the leader and the outbox, compare, kill the leader. */
async function measureSetup(adminUrl: string, replicas: number): Promise<Figures> {
  const db = await createFreshDatabase(adminUrl, `bench_replicas_${replicas}`);
  const sql = connect(db.url);
  const processes: TriageProcess[] = [];
  try {
    // The first replica starts alone and takes the lease; the second starts once it leads.
    processes.push(await startTriageProcess(db.url));
    await waitForLeader(sql, processes[0]!);
    for (let i = 1; i < replicas; i++) processes.push(await startTriageProcess(db.url));
    const runId = randomBytes(3).toString('hex');
    const endAt = Date.now() - 1_000;
    const warmup = replicaEvents(WARMUP_SOURCE, WARMUP, `warm-${runId}`, { endAt: endAt - SPAN_MS - 1_000, spanMs: 30_000, harmless: true, seed: 3 });
    const measured = replicaEvents(SOURCE, EVENTS, `ev-${runId}`, { endAt, spanMs: SPAN_MS });

    await spread(processes, warmup, 'warm-up');
    await waitForCatchUp(sql);
    await waitUntilAllIdle(processes, 60_000);

    const evaluationsBefore = await evaluationsOf(processes);
    const cpuBefore = processes.map((p) => p.cpuMs());
    const loadMs = await spread(processes, measured, 'load');
    const caughtUpMs = await waitForCatchUp(sql);
    const idle = await waitUntilAllIdle(processes, 60_000);
    if (!idle.idle) say(`${label(replicas)}: still busy ${seconds(idle.ms)} after the leader caught up; CPU counted up to now`);
    const cpuMs = processes.map((p, i) => p.cpuMs() - cpuBefore[i]!);
    const evaluationsAfter = await evaluationsOf(processes);
    const evaluations = {
      passes: evaluationsAfter.passes - evaluationsBefore.passes,
      rulesSeconds: evaluationsAfter.rulesSeconds - evaluationsBefore.rulesSeconds,
      reconcileSeconds: evaluationsAfter.reconcileSeconds - evaluationsBefore.reconcileSeconds,
    };
    if (cpuMs.some((ms) => !Number.isFinite(ms))) throw new Error(`a Triage process ended during the load: ${processes.map((p) => p.logLines().slice(-3).join(' | ')).join(' || ')}`);

    await waitForDrain(sql);
    const { cards, otherPosts } = await readCards(sql);
    const takeover = replicas > 1 && !process.env.BENCH_SKIP_TAKEOVER ? await measureTakeover(sql, processes) : undefined;
    return { replicas, loadMs, cpuMs, caughtUpMs, cards, otherPosts, evaluations, ...(takeover ? { takeover } : {}), logLines: processes.flatMap((p) => p.logLines()) };
  } finally {
    await sql.end({ timeout: 5 });
    for (const p of processes.reverse()) await p.stop();
    await db.drop();
  }
}

/**
 * Posts `events` with batches alternating between the replicas' intakes, the concurrency split
 * evenly; resolves the wall time until the last answer. Any request that was not a 202 accepting
 * its whole batch fails the measurement.
 */
async function spread(processes: readonly TriageProcess[], events: readonly BenchEvent[], what: string): Promise<number> {
  const shares = processes.map((): BenchEvent[] => []);
  for (let b = 0; b * BATCH < events.length; b++) shares[b % processes.length]!.push(...events.slice(b * BATCH, (b + 1) * BATCH));
  const options = { batchSize: BATCH, concurrency: CONCURRENCY / processes.length, requestTimeoutMs: 30_000 };
  const started = performance.now();
  const results = await Promise.all(processes.map((p, i) => postBatches(p.url, p.token, shares[i]!, options)));
  const ms = performance.now() - started;
  const failed = results.flatMap((r, i) => (r.failures ? [`replica ${i + 1}: ${r.failures} of ${r.requests} requests failed: ${r.firstFailures.join('; ')}`] : []));
  if (failed.length) throw new Error(`${what}: ${failed.join(' / ')}`);
  return ms;
}

/** Until the leader's saved log position is past every event and every insight version is handed to the outbox; resolves the wait in ms. */
async function waitForCatchUp(sql: ReturnType<typeof connect>): Promise<number> {
  const started = performance.now();
  for (;;) {
    const progress = await readProgress(sql);
    if (progress.behind === 0 && progress.unpublished === 0) return performance.now() - started;
    if (performance.now() - started > CATCH_UP_MS) throw new Error(`the leader had not caught up after ${seconds(CATCH_UP_MS)}: ${JSON.stringify(progress)}`);
    await sleep(100);
  }
}

/** Caught up, nothing unpublished and nothing left in the outbox, on four reads half a second apart. */
async function waitForDrain(sql: ReturnType<typeof connect>): Promise<void> {
  const started = performance.now();
  let quiet = 0;
  while (quiet < 4) {
    const progress = await readProgress(sql);
    quiet = progress.behind === 0 && progress.unpublished === 0 && progress.queued === 0 ? quiet + 1 : 0;
    if (performance.now() - started > DRAIN_MS) throw new Error(`the outbox had not drained after ${seconds(DRAIN_MS)}: ${JSON.stringify(progress)}`);
    await sleep(500);
  }
}

async function waitForLeader(sql: ReturnType<typeof connect>, first: TriageProcess): Promise<void> {
  const started = performance.now();
  for (;;) {
    const leader = await readLeader(sql);
    if (leader?.live && leader.pid === first.pid) return;
    if (performance.now() - started > 15_000) throw new Error(`the first replica (pid ${first.pid}) did not take the evaluator lease: ${JSON.stringify(leader)}`);
    await sleep(100);
  }
}

/** SIGKILLs the replica the lease names and polls the lease until another holder has it live. */
async function measureTakeover(sql: ReturnType<typeof connect>, processes: readonly TriageProcess[]): Promise<Takeover> {
  const before = await readLeader(sql);
  const victim = processes.find((p) => p.pid === before?.pid);
  if (!before?.live || !victim) throw new Error(`no live evaluator lease held by one of pids ${processes.map((p) => p.pid).join(', ')}: ${JSON.stringify(before)}`);
  const killedAt = performance.now();
  process.kill(victim.pid, 'SIGKILL');
  while (performance.now() - killedAt < TAKEOVER_WAIT_MS) {
    const now = await readLeader(sql);
    if (now?.live && now.holder !== before.holder) {
      const ms = performance.now() - killedAt;
      if (!processes.some((p) => p.pid === now.pid && p !== victim)) throw new Error(`the lease went to ${now.holder}, none of this setup's live replicas`);
      return { ms, from: before.holder, to: now.holder };
    }
    await sleep(100);
  }
  return { ms: NaN, from: before.holder };
}

export default { name: 'replicas', run } satisfies Benchmark;
