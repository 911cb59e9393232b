import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findScenario } from '../../../src/platform/scenarios/index.js';
import { playScenario } from '../../../src/platform/scenarios/player.js';
import { createPostgresDatabase } from '../../support/databases.js';
import { spawnTriage, type TriageProcess } from '../../support/process.js';
import { sleep, stopAll, waitFor } from '../../support/replicas.js';
import { buttonId, pressButton, startSlackFarSide, titleOf, type Accepted, type SlackFarSide } from './slack-far-side.js';
import { inPgliteChild } from './pglite-child.js';
import { readOutcome, RESTART_TARGET, type Outcome } from './slack-outage-outcome.js';

/**
 * The seed scenario against a real Triage process and a Slack far side on loopback, clean or
 * through a Slack outage with a SIGKILL while the backlog drains (docs/architecture.md, "Several
 * replicas behave as one": the outbox's lease, the actions watchdog). The test (shortened
 * windows) and bench/faults/slack-outage.ts (the full 60 s) both run this.
 */
export type DatabaseTarget = { kind: 'pglite' | 'postgres'; dataDir: string; databaseUrl?: string; drop(): Promise<void> };

export type Settings = {
  outageMs: number;
  /** Retry-After on each 429, scaled with the outage (Slack sends whole seconds). */
  retryAfterS: number;
  /** triage.config.yml for every process of a run. */
  config: string;
  /** How long the backlog may take to drain once Slack is back. */
  drainTimeoutMs: number;
};

const INGEST_TOKEN = 'fault-ingest-token-0123456789';
const SIGNING_SECRET = 'fault-signing-secret-0123456789';
const SLACK_CHANNEL = 'C0FAULTS';
const RESPONDER = 'U0JAMES';
const HEALTHY_RUNTIMES = ['bash-runtime-elena', 'bash-runtime-james'];

let template: Promise<string> | undefined;

/**
 * An embedded data directory migrated once and copied for each process: what Triage's first start
 * leaves, without paying PGlite's initdb and migrations per process on a 2-core machine.
 */
function migratedPglite(): Promise<string> {
  template ??= (async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'triage-faults-template-')), 'pgdata');
    await inPgliteChild('migrate', dir);
    return dir;
  })();
  return template;
}

/** Removes the migrated template, once every run that copies it has started. */
export async function removeTemplate(): Promise<void> {
  const dir = await template?.catch(() => undefined);
  if (dir) rmSync(dirname(dir), { recursive: true, force: true });
}

export async function prepareDatabase(kind: DatabaseTarget['kind'], options: { fromTemplate: boolean }): Promise<DatabaseTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), `triage-faults-${kind}-`));
  if (kind === 'postgres') {
    const db = await createPostgresDatabase();
    return { kind, dataDir, databaseUrl: db.url, drop: db.drop };
  }
  // Without the template, Triage's first start initialises the directory itself.
  if (options.fromTemplate) cpSync(await migratedPglite(), join(dataDir, 'pgdata'), { recursive: true });
  return { kind, dataDir, drop: async () => {} };
}

function environment(target: DatabaseTarget, far: SlackFarSide, config: string): Record<string, string> {
  const file = join(target.dataDir, 'triage.config.yml');
  writeFileSync(file, config);
  return {
    TRIAGE_DATA_DIR: target.dataDir,
    TRIAGE_CONFIG: file,
    INGEST_TOKEN,
    ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
    SLACK_BOT_TOKEN: 'xoxb-faults-0000000000-not-a-real-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_CHANNEL,
    SLACK_API_URL: far.apiUrl,
    TRIAGE_RESPONDERS: `slack:${RESPONDER}`,
  };
}

async function start(env: Record<string, string>): Promise<TriageProcess> {
  const triage = await spawnTriage(env, 120_000);
  const ready = await fetch(`${triage.url}/readyz`).then((r) => r.status === 200, () => false);
  if (!ready) {
    await stopAll([triage]);
    throw new Error(`Triage did not become ready:\n${triage.output().slice(-3_000)}`);
  }
  return triage;
}

/**
 * The platform lives on while Slack is out: the healthy runtimes keep their heartbeats coming, and
 * so does the runtime the test restarts, once the platform reports it back after the press (the
 * simulator sends only its first heartbeat; a real runtime goes on beating).
 */
function heartbeats(current: () => TriageProcess | undefined, pressedAt: () => number | undefined = () => undefined): () => void {
  let n = 0;
  const auth = { authorization: `Bearer ${INGEST_TOKEN}` };
  const restartedBack = async (triage: TriageProcess): Promise<boolean> => {
    const since = pressedAt();
    if (since === undefined) return false;
    const answer = (await (await fetch(`${triage.url}/platform/runtimes`, { headers: auth, signal: AbortSignal.timeout(5_000) })).json()) as {
      items?: Array<{ id: string; status: string; lastHeartbeatAt: string | null }>;
    };
    const runtime = answer.items?.find((r) => r.id === RESTART_TARGET);
    return runtime?.status === 'connected' && Date.parse(runtime.lastHeartbeatAt ?? '') >= since;
  };
  const beat = async () => {
    const triage = current();
    if (!triage) return;
    const runtimes = [...HEALTHY_RUNTIMES, ...((await restartedBack(triage)) ? [RESTART_TARGET] : [])];
    const events = runtimes.map((runtime) => ({
      id: `fault-beat-${runtime}-${++n}`,
      type: 'runtime.heartbeat',
      source: 'faults',
      occurredAt: new Date().toISOString(),
      attributes: { runtime, intervalSeconds: 30 },
    }));
    await fetch(`${triage.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ events }),
      signal: AbortSignal.timeout(5_000),
    });
  };
  // Triage is down for a moment: a platform's heartbeats are lost then too.
  const timer = setInterval(() => void beat().catch(() => undefined), 10_000);
  return () => clearInterval(timer);
}

async function play(triage: TriageProcess): Promise<void> {
  const played = await playScenario({ scenario: findScenario('cascading-failure')!, url: triage.url, token: INGEST_TOKEN, speed: 50 });
  if (!played.ok) throw new Error(`the scenario did not play: ${played.error.message}`);
}

/** The promise's value, or undefined once `ms` have passed. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Done: the leader has evaluated every stored event (its lag gauge), nothing is pending or in
 * flight in the outbox (its own gauge), Slack has been quiet for a few evaluation ticks, and `also`.
 */
async function drained(triage: TriageProcess, far: SlackFarSide, timeoutMs: number, also: () => boolean = () => true): Promise<boolean> {
  // Quiet since the wait began too: right after the scenario nothing is posted yet, nor queued.
  const since = Date.now();
  const settled = await waitFor(async () => {
    const quiet = Date.now() - Math.max(since, far.accepted.at(-1)?.at ?? 0) > 3_000;
    if (!quiet || !also()) return false;
    const metrics = await fetch(`${triage.url}/metrics`).then((r) => r.text(), () => '');
    const gauge = (name: string) => Number(new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
    return gauge('triage_evaluator_lag_seconds') === 0 && gauge('triage_outbox_rows{status="pending"}') === 0 && gauge('triage_outbox_rows{status="inFlight"}') === 0;
  }, timeoutMs, 500);
  return settled;
}

/** The Restart's progress card as Slack shows it last: "⏳ …" while it runs, then ✅ or ❌. */
export function restartCardText(far: Pick<SlackFarSide, 'posts' | 'accepted'>): string | undefined {
  const card = far.posts().find((p) => titleOf(p).startsWith(`Restart runtime ${RESTART_TARGET}`));
  const last = card && far.accepted.filter((a) => a.channel === card.channel && a.ts === card.ts).at(-1);
  return last?.blocks.find((b) => b.type === 'section')?.text?.text;
}

export type CleanRun = { outcome: Outcome; far: SlackFarSide };

/** The seed scenario with Slack healthy throughout: the cards a fault run must not lose. */
export async function cleanRun(target: DatabaseTarget, settings: Settings): Promise<CleanRun> {
  const far = await startSlackFarSide();
  let triage: TriageProcess | undefined;
  const stopBeats = heartbeats(() => triage);
  try {
    triage = await start(environment(target, far, settings.config));
    await play(triage);
    if (!(await drained(triage, far, settings.drainTimeoutMs))) throw new Error('the clean run did not drain');
    await stopAll([triage]);
    return { outcome: await readOutcome(target), far };
  } finally {
    stopBeats();
    if (triage) await stopAll([triage]);
    await far.close();
  }
}

export type FaultRun = {
  outcome: Outcome;
  far: SlackFarSide;
  /** The post Slack had taken when Triage was SIGKILLed, its answer not yet back. */
  inFlightAtKill: Accepted;
  outageRefusals: { rateLimited: number; serverErrors: number };
  /** When Slack came back; then milliseconds from it: to the kill, to the restarted process answering, to the last message. */
  recoveredAt: number;
  killedAfterMs: number;
  restartedAfterMs: number;
  drainedAfterMs: number;
  /** The Restart click: acknowledged before the kill, redelivered by Slack after the restart. */
  click: { firstStatus: number; redeliveredStatus: number; card: string };
};

/**
 * Slack out for `outageMs` from the first event of the scenario, then back; once the backlog is
 * draining, a responder presses Restart on a card, and Triage is SIGKILLed while Slack holds the
 * answer to a post it took; the process is started again on the same data and Slack redelivers
 * the click, as it does when its request went unanswered.
 */
export async function faultRun(target: DatabaseTarget, settings: Settings): Promise<FaultRun> {
  const far = await startSlackFarSide();
  const env = environment(target, far, settings.config);
  let triage: TriageProcess | undefined;
  // Done when the outbox is empty and the Restart has an outcome in Slack: a click whose replica
  // died before it reached the platform is resumed by the watchdog at its deadline, once.
  const finished = () => /^[✅❌]/u.test(restartCardText(far) ?? '');
  let pressedAt: number | undefined;
  const stopBeats = heartbeats(() => triage, () => pressedAt);
  try {
    triage = await start(env);
    far.outage(settings.retryAfterS);
    const outageStart = Date.now();
    await play(triage);
    await sleep(outageStart + settings.outageMs - Date.now());
    far.recover();
    const recoveredAt = Date.now();
    const outageRefusals = {
      rateLimited: far.refusals.filter((r) => r.status === 429).length,
      serverErrors: far.refusals.filter((r) => r.status >= 500).length,
    };

    const card = await waitFor(async () => far.posts().find((p) => titleOf(p) === `Runtime ${RESTART_TARGET} unreachable`), settings.drainTimeoutMs);
    if (!card) throw new Error(`the "${RESTART_TARGET} unreachable" card never reached Slack`);
    const actionId = buttonId(card, new RegExp(`^Restart ${RESTART_TARGET}`));
    if (!actionId) throw new Error(`the card has no Restart button: ${JSON.stringify(card.blocks)}`);
    const press = { secret: SIGNING_SECRET, actionId, message: card, user: RESPONDER, actionTs: `${Math.floor(Date.now() / 1000)}.424242`, responseUrl: `${far.hooksUrl}/actions/1` };
    pressedAt = Date.now();
    const firstStatus = (await pressButton(triage.url, press)).status;

    const hold = far.holdNextPost();
    const inFlightAtKill = await within(hold.accepted, settings.drainTimeoutMs);
    if (!inFlightAtKill) throw new Error('the backlog drained before Triage could be killed while posting');
    triage.child.kill('SIGKILL');
    await triage.exited;
    const killedAfterMs = Date.now() - recoveredAt;
    hold.release();

    triage = await start(env);
    const restartedAfterMs = Date.now() - recoveredAt;
    const redeliveredStatus = (await pressButton(triage.url, { ...press, retry: 1 })).status;
    if (!(await drained(triage, far, settings.drainTimeoutMs, finished))) {
      throw new Error(`the backlog did not drain, or the Restart did not finish, within ${settings.drainTimeoutMs} ms of the restart (Restart card: ${restartCardText(far) ?? 'none'})`);
    }
    const drainedAfterMs = (far.accepted.at(-1)?.at ?? recoveredAt) - recoveredAt;
    await stopAll([triage]);
    return {
      outcome: await readOutcome(target),
      far,
      inFlightAtKill,
      outageRefusals,
      recoveredAt,
      killedAfterMs,
      restartedAfterMs,
      drainedAfterMs,
      click: { firstStatus, redeliveredStatus, card: titleOf(card) },
    };
  } finally {
    stopBeats();
    if (triage) await stopAll([triage]);
    await far.close();
  }
}

