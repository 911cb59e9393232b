import { writeFileSync, mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark } from './support/benchmark.js';
import { generateEvents } from './support/events.js';
import { connect, createFreshDatabase, describeServer, openPostgresServer } from './support/postgres.js';
import { buildIfStale, startTriageProcess, type TriageProcess } from './support/triage-process.js';

const OLD_EVENTS = 1_000_000;
const RECENT_EVENTS = 20_000;
const START_ROUNDS = 3;
const START_GOAL_MS = 5_000;
const P99_GOAL_MS = 50;
const BATCH = 100;
/** A busy fleet's steady traffic (2,000 events/s), sent at a fixed pace: latency, not saturation. */
const BATCHES_PER_SECOND = 20;
const WARM_UP_MS = 2_000;
const BASELINE_MS = 20_000;
const PRUNING_MS = 30_000;
const say = (line: string) => process.stdout.write(`retention: ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A Triage that has run for months (docs/architecture.md, "Retention"): 1,000,000 events past
 * their age and the last hours' traffic. Measures (1) start-up to ready, and to leading with the
 * window restored, on that table; (2) intake batch latency while the leader prunes the old rows,
 * against the same process's latency just before pruning starts (the baseline of the same run).
 */
async function run(): Promise<{ goalsMet: boolean }> {
  if (await buildIfStale()) say('dist/ was stale: rebuilt with tsc -p tsconfig.build.json');
  const server = await openPostgresServer();
  const database = await createFreshDatabase(server.adminUrl, 'bench_retention');
  const described = await describeServer(database.url);
  say(`PostgreSQL ${described.version}, fsync=${described.fsync}; ${OLD_EVENTS} events 20 days old + ${RECENT_EVENTS} from the last hour`);

  // Migrate with Triage itself, then load the table directly (the bench measures Triage, not the load).
  const migrating = await startTriageProcess(database.url, { readyTimeoutMs: 60_000 });
  await migrating.stop();
  const sql = connect(database.url);
  try {
    const loadStarted = performance.now();
    for (let from = 1; from <= OLD_EVENTS; from += 250_000) {
      await sql.unsafe(`
        insert into events (source, event_key, type, occurred_at, received_at, attributes, known)
        select 'old-fleet', 'old-' || g, 'runtime.heartbeat', now() - interval '20 days' + make_interval(secs => g / 100.0),
               now() - interval '20 days' + make_interval(secs => g / 100.0),
               jsonb_build_object('runtime', 'runtime-' || g % 40, 'intervalSeconds', 30), true
        from generate_series(${from}, ${Math.min(from + 249_999, OLD_EVENTS)}) g`);
    }
    await sql.unsafe(`
      insert into events (source, event_key, type, occurred_at, received_at, attributes, known)
      select 'recent-fleet', 'recent-' || g, 'runtime.heartbeat', now() - make_interval(secs => g / 10.0), now() - make_interval(secs => g / 10.0),
             jsonb_build_object('runtime', 'runtime-' || g % 40, 'intervalSeconds', 30), true
      from generate_series(1, ${RECENT_EVENTS}) g`);
    // What autovacuum does to an insert-only table of months: statistics, and BRIN ranges summarised.
    await sql.unsafe('vacuum analyze events');
    say(`loaded in ${Math.round(performance.now() - loadStarted)} ms`);
  } finally {
    await sql.end({ timeout: 5 });
  }

  // (1) Start-up on a table of months, no pruning yet.
  const configDir = mkdtempSync(join(tmpdir(), 'triage-bench-retention-'));
  const noPrune = join(configDir, 'no-prune.yml');
  writeFileSync(noPrune, 'retention:\n  startAfterSeconds: 3600\n');
  const startTimes: number[] = [];
  const leadTimes: number[] = [];
  for (let round = 1; round <= START_ROUNDS; round++) {
    const started = performance.now();
    const triage = await startTriageProcess(database.url, { readyTimeoutMs: 60_000, env: { TRIAGE_CONFIG: noPrune } });
    const ready = Math.round(performance.now() - started);
    await waitForMetric(triage, 'triage_evaluator_leader', (v) => v === 1, 30_000);
    const leading = Math.round(performance.now() - started);
    startTimes.push(ready);
    leadTimes.push(leading);
    say(`round ${round}: ready ${ready} ms after spawn, leading with the window restored ${leading} ms`);
    await triage.stop();
  }

  // (2) Intake while the leader prunes: the same process, before and during its first pass.
  const prune = join(configDir, 'prune.yml');
  writeFileSync(prune, 'retention:\n  startAfterSeconds: 30\n');
  const triage = await startTriageProcess(database.url, { readyTimeoutMs: 60_000, env: { TRIAGE_CONFIG: prune } });
  let baseline: number[] = [];
  let during: number[] = [];
  let pruneMs = 0;
  try {
    await waitForMetric(triage, 'triage_evaluator_leader', (v) => v === 1, 30_000);
    const events = generateEvents('bench-retention', 400_000, 'live');
    let cursor = 0;
    const nextBatch = () => events.slice(cursor, (cursor += BATCH));
    baseline = await measureIntake(triage, nextBatch, BASELINE_MS);
    const pruneStarted = performance.now();
    await waitForMetric(triage, 'triage_retention_deleted_rows_total{policy="events"}', (v) => v > 0, 30_000);
    during = await measureIntake(triage, nextBatch, PRUNING_MS);
    const pruned = await metricValue(triage, 'triage_retention_deleted_rows_total{policy="events"}');
    say(`pruned ${pruned} of ${OLD_EVENTS} old events during the ${PRUNING_MS / 1000} s window (${Math.round(pruned / ((performance.now() - pruneStarted) / 1000))} rows/s)`);
    await waitForMetric(triage, 'triage_retention_deleted_rows_total{policy="events"}', (v) => v >= OLD_EVENTS, 600_000);
    pruneMs = Math.round(performance.now() - pruneStarted);
  } finally {
    await triage.stop();
  }

  const p = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))]!;
  const worstStart = Math.max(...startTimes);
  say(`start-up to ready: ${startTimes.join(', ')} ms (goal < ${START_GOAL_MS} ms); to leading: ${leadTimes.join(', ')} ms`);
  say(`intake batches of ${BATCH} at ${BATCHES_PER_SECOND}/s: before pruning p50 ${p(baseline, 0.5)} ms p99 ${p(baseline, 0.99)} ms (${baseline.length} batches); ` +
      `while pruning p50 ${p(during, 0.5)} ms p99 ${p(during, 0.99)} ms (${during.length} batches); p99 ratio ${(p(during, 0.99) / p(baseline, 0.99)).toFixed(2)} (goal p99 < ${P99_GOAL_MS} ms)`);
  say(`the whole first pass deleted ${OLD_EVENTS} events in ${(pruneMs / 1000).toFixed(1)} s`);
  const goalsMet = worstStart < START_GOAL_MS && p(during, 0.99) < P99_GOAL_MS;
  say(goalsMet ? 'goals met' : 'goals NOT met');
  await database.drop();
  await server.stop();
  return { goalsMet };
}

/**
 * Posts a batch every 1/BATCHES_PER_SECOND s for `windowMs` (open loop: a slow answer does not
 * slow the sender, as with a real fleet) and answers each batch's latency in ms, after a warm-up.
 */
async function measureIntake(triage: TriageProcess, nextBatch: () => unknown[], windowMs: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const target = new URL('/v1/events', triage.url);
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + WARM_UP_MS + windowMs;
  const post = (body: Buffer) =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const req = request(target, { method: 'POST', agent, timeout: 10_000, headers: { authorization: `Bearer ${triage.token}`, 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 202 ? resolve(performance.now() - started) : reject(new Error(`intake answered ${res.statusCode}`))));
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
      req.on('error', reject);
      req.end(body);
    });
  const sent: Array<Promise<void>> = [];
  for (let i = 0; performance.now() < until; i++) {
    const body = Buffer.from(JSON.stringify({ events: nextBatch() }));
    const warm = performance.now() - started > WARM_UP_MS;
    sent.push(post(body).then((ms) => void (warm && latencies.push(Math.round(ms)))));
    await sleep(Math.max(0, started + ((i + 1) * 1000) / BATCHES_PER_SECOND - performance.now()));
  }
  await Promise.all(sent);
  agent.destroy();
  return latencies;
}

async function metricValue(triage: TriageProcess, series: string): Promise<number> {
  const text = await (await fetch(`${triage.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

async function waitForMetric(triage: TriageProcess, series: string, ok: (value: number) => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!ok(await metricValue(triage, series))) {
    if (performance.now() > deadline) throw new Error(`${series} did not reach its value within ${timeoutMs} ms`);
    await sleep(100);
  }
}

export default { name: 'retention', run } satisfies Benchmark;
