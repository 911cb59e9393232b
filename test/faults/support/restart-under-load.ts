import postgres from 'postgres';
import { createPostgresDatabase } from '../../support/databases.js';
import type { TriageProcess } from '../../support/process.js';
import { sleep, startReplica, stopAll, waitFor } from '../../support/replicas.js';
import { seconds, tally, type FaultReport } from './fault-report.js';
import { LOAD_SOURCE, startIntakeLoad, type Exchange } from './intake-load.js';
import { startPgProxy } from '../../support/pg-proxy.js';
import { startPrivatePostgres } from './private-postgres.js';

/** A PostgreSQL that can be taken away from Triage and given back. */
export type RestartableDatabase = {
  /** What Triage is given as DATABASE_URL. */
  triageUrl: string;
  /** Where the test reads what was stored (never through Triage). */
  directUrl: string;
  /** In words, for the report: what `down` does. */
  fault: string;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
};

/**
 * How PostgreSQL goes away: `fast` and `immediate` stop a server of the run's own with
 * `pg_ctl stop -m <mode>` (a clean restart, a crash) and start it again; `cut` puts the shared test
 * server behind a TCP proxy that resets every connection and refuses new ones while "down", which is
 * what Triage sees of a restart, for machines that cannot run a server of their own (not root).
 */
export type Restart = 'fast' | 'immediate' | 'cut';

export async function restartableDatabase(how: Restart): Promise<RestartableDatabase> {
  if (how !== 'cut') {
    const server = await startPrivatePostgres();
    return {
      triageUrl: server.url,
      directUrl: server.url,
      fault: `PostgreSQL 15 (a server of this run's own) stopped with pg_ctl stop -m ${how}, then started again`,
      down: () => server.stop(how),
      up: () => server.start(),
      close: () => server.destroy(),
    };
  }
  const db = await createPostgresDatabase();
  const real = new URL(db.url);
  const proxy = await startPgProxy({ host: real.hostname, port: Number(real.port || 5432) });
  const viaProxy = new URL(db.url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  return {
    triageUrl: viaProxy.toString(),
    directUrl: db.url,
    fault: 'PostgreSQL cut off (a proxy reset every connection and refused new ones: what Triage sees of a restart), then restored',
    down: async () => proxy.cut(),
    up: async () => proxy.restore(),
    close: async () => {
      await proxy.close();
      await db.drop();
    },
  };
}

export type RestartOptions = { senders: number; batchSize: number; beforeMs: number; downMs: number; afterMs: number; recoveryGoalMs: number };

type Probe = { at: number; status: number };

/** A 503 is an answer a sender can act on only if it comes at once; past this it is a hang. */
const PROMPT_MS = 3_000;

/**
 * PostgreSQL restarted under intake load, checked on a real Triage process: while it is down
 * every answer is a prompt 503 with Retry-After, Triage comes back by itself (same process), and
 * every event answered 202 is stored once.
 */
export async function restartUnderLoad(db: RestartableDatabase, report: FaultReport, options: RestartOptions): Promise<void> {
  const running: TriageProcess[] = [];
  const reader = postgres(db.directUrl, { max: 1, onnotice: () => {} });
  try {
    const triage = await startReplica(db.triageUrl);
    running.push(triage);
    const readyz = async (): Promise<number> =>
      fetch(`${triage.url}/readyz`, { headers: { connection: 'close' }, signal: AbortSignal.timeout(5_000) }).then((r) => r.status, () => 0);
    if ((await readyz()) !== 200) throw new Error(`Triage did not start:\n${triage.output().slice(-2000)}`);
    const pid = triage.child.pid;

    const load = startIntakeLoad(triage.url, { senders: options.senders, batchSize: options.batchSize });
    await sleep(options.beforeMs);
    const probes: Probe[] = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        probes.push({ at: Date.now(), status: await readyz() });
        await sleep(250);
      }
    })();

    const downAt = Date.now();
    await db.down();
    const downDoneAt = Date.now();
    await sleep(Math.max(0, downAt + options.downMs - Date.now()));
    const upAt = Date.now();
    await db.up();
    const upDoneAt = Date.now();
    report.injected(`${db.fault}; down ${seconds(upAt - downDoneAt)} (stopping took ${seconds(downDoneAt - downAt)}, starting ${seconds(upDoneAt - upAt)}), under ${options.senders} senders posting batches of ${options.batchSize} to /v1/events, each resending a batch after a 503's Retry-After`);
    const back = await waitFor(async () => load.exchanges.find((e) => e.sentAt >= upDoneAt && e.status === 202), options.recoveryGoalMs + 10_000, 100);
    await sleep(options.afterMs);
    probing = false;
    await prober;
    const { unfinished } = await load.stop(30_000);

    const all = load.exchanges;
    // Sent once PostgreSQL was down and long enough before it came back that a prompt answer could only be a 503.
    const outage = all.filter((e) => e.sentAt >= downDoneAt && e.sentAt <= upAt - PROMPT_MS);
    const refused = all.filter((e) => e.status === 503);
    const wellFormedRetryAfter = (e: Exchange) => e.retryAfter !== null && /^\d+$/.test(e.retryAfter) && Number(e.retryAfter) >= 1;
    const other = all.filter((e) => e.status !== 202 && e.status !== 503);
    const slowest = outage.reduce((worst, e) => (e.answeredAt - e.sentAt > worst.answeredAt - worst.sentAt ? e : worst), outage[0]!);
    const took = (e: Exchange | undefined) => (e ? e.answeredAt - e.sentAt : 0);
    report.note(`answers: ${tally(all.map((e) => e.status || e.error || 'none'))} (${all.length} requests); sent while it was down: ${tally(outage.map((e) => e.status || e.error || 'none')) || 'none'}`);

    report.check(outage.length > 0 && outage.every((e) => e.status === 503), `every request sent while PostgreSQL was down was answered 503 (${outage.length} requests)`);
    report.check(refused.length > 0 && refused.every(wellFormedRetryAfter), `every 503 carried Retry-After in seconds (${refused.filter(wellFormedRetryAfter).length} of ${refused.length}; values ${tally(refused.map((e) => e.retryAfter ?? 'none'))})`);
    report.check(took(slowest) <= PROMPT_MS, `the 503s came at once, none held until PostgreSQL was back: slowest ${seconds(took(slowest))} (sent ${seconds(slowest ? slowest.sentAt - downDoneAt : 0)} into the outage; limit ${seconds(PROMPT_MS)})`);
    report.check(other.length === 0, `no other answer and no dropped connection: ${other.length ? tally(other.map((e) => e.error ?? e.status)) : 'none'}`);

    const downProbes = probes.filter((p) => p.at >= downDoneAt && p.at + 2_500 <= upAt);
    report.check(downProbes.length > 0 && downProbes.every((p) => p.status === 503), `/readyz answered 503 while it was down (${tally(downProbes.map((p) => p.status))})`);
    const recoveredIn = back ? back.answeredAt - upDoneAt : Infinity;
    report.check(recoveredIn <= options.recoveryGoalMs, `recovered without a restart of Triage: first 202 ${back ? seconds(recoveredIn) : 'never'} after PostgreSQL was back (goal ${seconds(options.recoveryGoalMs)})`);
    const alive = triage.child.exitCode === null && triage.child.signalCode === null;
    if (!alive) {
      // Seen here: the driver writes a transaction's ROLLBACK on a connection PostgreSQL has just closed,
      // from a setImmediate, so the TypeError escapes every try/catch and ends the process.
      const driver = /TypeError: Cannot read properties of null \(reading 'write'\)\s+at Immediate\.nextWrite \([^)]*postgres\/src\/connection\.js/.test(triage.output());
      report.note(`Triage exited (code ${triage.child.exitCode}, signal ${triage.child.signalCode})${driver ? ': an uncaught TypeError in postgres.js (nextWrite on a connection already closed)' : ''}; its last output:\n${triage.output().slice(-3000)}`);
    }
    report.check(alive && triage.child.pid === pid && (await readyz()) === 200, `the same Triage process (pid unchanged) is up and /readyz answers 200`);
    report.check(unfinished.length === 0, `every batch was answered 202 in the end (${unfinished.length} left unanswered)`);

    const accepted = new Set(all.filter((e) => e.status === 202).flatMap((e) => e.ids));
    const rows = await reader<Array<{ key: string }>>`select event_key as key from events where source = ${LOAD_SOURCE}`;
    const stored = new Set(rows.map((r) => r.key));
    const missing = [...accepted].filter((id) => !stored.has(id));
    report.check(missing.length === 0, `every event answered 202 is stored: ${accepted.size - missing.length} of ${accepted.size}${missing.length ? `; missing e.g. ${missing.slice(0, 3).join(', ')}` : ''}`);
    report.check(rows.length === stored.size && [...stored].every((id) => accepted.has(id)), `each stored once, and nothing stored that was not acknowledged in the end (${rows.length} rows, ${stored.size} ids)`);
    const ambiguous = all.filter((e) => e.status === 202 && e.resend > 0 && (e.duplicates ?? 0) > 0);
    report.note(`${all.filter((e) => e.resend > 0).length} resends after a 503; ${ambiguous.length} of them found their batch already stored (a commit whose answer was lost in the shutdown), counted as duplicates, not stored twice`);
  } finally {
    await stopAll(running);
    await reader.end({ timeout: 5 });
  }
}
