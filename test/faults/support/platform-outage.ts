import { sql } from 'drizzle-orm';
import type { TypedEvent } from '../../../src/events/vocabulary.js';
import { createSimulator } from '../../../src/platform/simulator/simulator.js';
import { createPostgresDatabase, openTestDatabase } from '../../support/databases.js';
import type { TriageProcess } from '../../support/process.js';
import { observe, postEvents, sleep, startReplica, stopAll } from '../../support/replicas.js';
import { consoleClient, messagesFromDatabase, type ConsoleMessage } from './console-client.js';
import { seconds, tally, type FaultReport } from './fault-report.js';
import { startPlatformFront, type PlatformMode } from './platform-front.js';

export type OutageOptions = {
  /** Triage's deadline per platform call (actions.platformTimeoutMs). */
  timeoutMs: number;
  breakerFailures: number;
  breakerOpenSeconds: number;
  /** How long the slow platform holds each answer: past the deadline. */
  slowMs: number;
  /** How long each bad mode lasts at least (the bench's full-length run keeps each for a minute)… */
  holdMs: number;
  /** …with Restart pressed this often meanwhile, on the next runtime in turn. */
  pressEveryMs?: number;
};

const PLATFORM_TOKEN = 'faults-platform-token-5b1d0e77';
/** Demo roles on the console without roles configured: James (DevOps) is a responder. */
const RESPONDER = 'james';
const RUNTIMES = ['mike', 'priya', 'elena', 'alex', 'sofia', 'omar'].map((e) => `bash-runtime-${e}`);
/** How the guarded platform refuses a call without making it (src/platform/guarded.ts). */
const REFUSED = /^❌ the platform is failing; Triage (stopped calling it|is testing it)/;

type Press = { mode: PlatformMode; runtime: string; requestId: number; key: string; text: string; card: ConsoleMessage; refusedByBreaker: boolean };

/**
 * The platform down, then slow, then answering 503, then back, with Restart pressed through the
 * console in each mode: the breaker opens and the cards and /doctor say so, actions are refused
 * with a reason, nothing reaches the platform twice (counted per Idempotency-Key by the front and
 * by what the simulator did), and once the platform is back the breaker closes.
 */
export async function platformOutage(report: FaultReport, options: OutageOptions): Promise<void> {
  const running: TriageProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const simDb = await openTestDatabase('postgres');
    cleanups.push(() => simDb.drop());
    // What the simulator really did: a restart ends in exactly one heartbeat of that runtime.
    const heartbeats = new Map<string, number>();
    const emit = async (events: TypedEvent[]) => {
      for (const e of events) if (e.type === 'runtime.heartbeat') heartbeats.set(String(e.attributes.runtime), (heartbeats.get(String(e.attributes.runtime)) ?? 0) + 1);
    };
    const simulator = await createSimulator({ database: simDb, emit, restartHeartbeatDelayMs: 200 });
    cleanups.push(async () => simulator.close());
    const front = await startPlatformFront(simulator, { token: PLATFORM_TOKEN, slowMs: options.slowMs });
    cleanups.push(() => front.close());

    const triageDb = await createPostgresDatabase();
    cleanups.push(triageDb.drop);
    const seen = observe(triageDb.url);
    cleanups.push(() => seen.close());
    const config = [
      'insights:',
      '  tickCron: "* * * * * *"',
      'outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0 }',
      `actions: { platformTimeoutMs: ${options.timeoutMs}, platformAttempts: 2, breakerFailures: ${options.breakerFailures}, breakerOpenSeconds: ${options.breakerOpenSeconds}, heartbeatTimeoutSeconds: 15 }`,
      '',
    ].join('\n');
    const triage = await startReplica(triageDb.url, config, { PLATFORM_URL: front.url, PLATFORM_TOKEN });
    running.push(triage);
    const ui = consoleClient(triage.url, messagesFromDatabase(seen.sql));
    report.note(`Triage started with PLATFORM_URL pointing at a front before the platform's REST API (simulator); deadline ${seconds(options.timeoutMs)} per call, 2 tries, breaker opens after ${options.breakerFailures} failures for ${options.breakerOpenSeconds} s`);

    // One "Runtime … unreachable" card per runtime, each with its Restart button.
    const now = new Date().toISOString();
    const down = RUNTIMES.map((runtime, i) => ({ id: `down-${i}`, type: 'runtime.disconnected', source: 'faults-platform', occurredAt: now, attributes: { runtime, reason: 'connection_refused' } }));
    if ((await postEvents(triage.url, down)).status !== 202) throw new Error('intake refused the disconnects');
    const cards = new Map<string, ConsoleMessage>();
    for (const runtime of RUNTIMES) {
      const card = await ui.waitFor(RESPONDER, (m) => m.card.title === `Runtime ${runtime} unreachable` && ui.button(m, 'restart_runtime', runtime) !== undefined, 20_000);
      if (!card) throw new Error(`no card for ${runtime}:\n${triage.output().slice(-2000)}`);
      cards.set(runtime, card);
    }
    report.note(`${RUNTIMES.length} "Runtime … unreachable" cards with Restart posted to the console`);

    const presses: Press[] = [];
    /**
     * Presses Restart on a card through the console; `clicked` resolves with the click's answer
     * (the action runs after it, in the background), `settled` once the action card has its result.
     */
    const startPress = (mode: PlatformMode, runtime: string, given?: ConsoleMessage, givenId?: string) => {
      const clicked = (async () => {
        const messages = await ui.messages(RESPONDER);
        const before = new Set(messages.map((m) => m.id));
        // The runtime's card as it is now: after a failed Restart it offers Retry in its place.
        const on = given ?? messages.find((m) => m.id === cards.get(runtime)!.id) ?? cards.get(runtime)!;
        const actionId = givenId ?? on.card.actions.find((a) => a.label === 'Retry')?.id ?? ui.button(on, 'restart_runtime', runtime)!;
        const answer = await ui.click(RESPONDER, on, actionId);
        if (answer.status !== 200) throw new Error(`the click was not answered 200: ${answer.status} ${JSON.stringify(answer.error)}`);
        return before;
      })();
      const settled = (async (): Promise<Press> => {
        const before = await clicked;
        const card = await ui.waitFor(RESPONDER, (m) => !before.has(m.id) && m.card.title === `Restart runtime ${runtime}` && m.card.state !== 'pending', 30_000);
        if (!card) throw new Error(`the action card of ${runtime} did not settle:\n${triage.output().slice(-2000)}`);
        const [request] = await seen.sql<Array<{ id: string; key: string }>>`select id, platform_key as key from action_requests where target_id = ${runtime} order by id desc limit 1`;
        const done: Press = { mode, runtime, requestId: Number(request!.id), key: request!.key, text: card.card.text ?? '', card, refusedByBreaker: REFUSED.test(card.card.text ?? '') };
        presses.push(done);
        report.note(`${mode}: Restart ${runtime} → ${done.text.slice(0, 220)}`);
        return done;
      })();
      return { clicked, settled };
    };
    const press = (...args: Parameters<typeof startPress>) => startPress(...args).settled;
    /** The probe once the breaker lets one through, and a second press right behind it, which the breaker refuses. */
    const probeAndRefuse = async (mode: PlatformMode, probeOn: string, refusedOn: string): Promise<[Press, Press]> => {
      await sleep(options.breakerOpenSeconds * 1000 + 300);
      const probe = startPress(mode, probeOn);
      await probe.clicked;
      const refused = startPress(mode, refusedOn);
      return [await probe.settled, await refused.settled];
    };
    /** Keeps the mode until `from + holdMs`, pressing Restart every `pressEveryMs` meanwhile. */
    let turn = 0;
    const hold = async (mode: PlatformMode, from: number) => {
      while (options.pressEveryMs && Date.now() + options.pressEveryMs < from + options.holdMs) {
        await press(mode, RUNTIMES[1 + (turn++ % (RUNTIMES.length - 1))]!);
        await sleep(options.pressEveryMs);
      }
      await sleep(Math.max(0, from + options.holdMs - Date.now()));
    };
    const held = () => (options.holdMs ? `, for ${seconds(options.holdMs)}${options.pressEveryMs ? ` with Restart pressed every ${seconds(options.pressEveryMs)}` : ''}` : '');
    const doctor = async () => {
      const answer = await ui.command(RESPONDER, '/doctor');
      return [answer.reply?.text ?? '', answer.reply?.card?.text ?? '', ...(answer.reply?.card?.fields ?? []).map((f) => `${f.label}: ${f.value}`)].join('\n');
    };

    // Up: a Restart works, and the console has read the people once (it keeps them while the platform is away).
    await front.set('up');
    const baseline = await press('up', RUNTIMES[0]!);
    report.check(baseline.text.startsWith('✅'), `with the platform up, Restart works: "${baseline.text.slice(0, 80)}"`);

    // Down: refused connections. Presses fail and say nothing was sent, until the breaker opens.
    await front.set('down');
    const downAt = Date.now();
    report.injected(`platform down: its port closed (connection refused)${held()}`);
    let downPress: Press | undefined;
    for (let i = 0; i < options.breakerFailures + 1; i++) downPress = await press('down', RUNTIMES[1]!);
    report.check(downPress!.refusedByBreaker, `after ${options.breakerFailures} failed presses the breaker opened, and the card says so: "${downPress!.text.slice(0, 160)}"`);
    const doctorDown = await doctor();
    report.note(`/doctor while down: ${doctorDown.replace(/\n/g, ' | ').slice(0, 600)}`);
    await hold('down', downAt);

    // Slow: the probe reaches the platform, which acts, but answers after Triage's deadline.
    await front.set('slow');
    const slowAt = Date.now();
    report.injected(`platform slow: each request carried out at once, its answer held ${seconds(options.slowMs)} (Triage's deadline ${seconds(options.timeoutMs)})${held()}`);
    const [slowProbe, slowRefused] = await probeAndRefuse('slow', RUNTIMES[2]!, RUNTIMES[3]!);
    await hold('slow', slowAt);

    // 5xx: 503 to everything.
    await front.set('error');
    const errorAt = Date.now();
    report.injected(`platform answering 503 "unavailable" to every request, nothing carried out${held()}`);
    const [errorProbe, errorRefused] = await probeAndRefuse('error', RUNTIMES[4]!, RUNTIMES[3]!);
    const doctorError = await doctor();
    report.note(`/doctor while 503: ${doctorError.replace(/\n/g, ' | ').slice(0, 600)}`);
    await hold('error', errorAt);

    // Back: the breaker lets one probe through, closes, and Restart works again.
    await front.set('up');
    report.injected('platform back up');
    await sleep(options.breakerOpenSeconds * 1000 + 300);
    const recovered = await press('up', RUNTIMES[5]!);
    // Retry is on the card Restart was pressed on (the runtime's own card), naming the request.
    const pressedOn = cards.get(RUNTIMES[2]!)!;
    const runtimeCard = (await ui.waitFor(RESPONDER, (m) => m.id === pressedOn.id && m.card.actions.some((a) => a.label === 'Retry'), 10_000)) ?? pressedOn;
    const retryId = runtimeCard.card.actions.find((a) => a.label === 'Retry')?.id;
    const restartsBeforeRetry = heartbeats.get(RUNTIMES[2]!) ?? 0;
    const retried = retryId ? await press('up', RUNTIMES[2]!, runtimeCard, retryId) : undefined;
    await sleep(500);
    const restartedByRetry = (heartbeats.get(RUNTIMES[2]!) ?? 0) - restartsBeforeRetry;
    const doctorAfter = await doctor();
    report.note(`/doctor after: ${doctorAfter.replace(/\n/g, ' | ').slice(0, 400)}`);

    // What held.
    const posts = front.requests.filter((r) => r.method === 'POST');
    const reads = front.requests.filter((r) => r.method === 'GET');
    report.note(`the platform's front saw ${posts.length} actions (${tally(posts.map((r) => `while ${r.mode}`))}) and ${reads.length} reads (${tally(reads.map((r) => `while ${r.mode}`))}): reads do not pass the breaker`);
    const arrivals = (key: string) => posts.filter((r) => r.key === key);
    report.check(slowProbe.text.includes('did not answer') && /read back|could not be read back/.test(slowProbe.text) && retryId !== undefined, `slow: the probe timed out, and the card says it may still take effect, with what was read back, and offers Retry: "${slowProbe.text.slice(0, 200)}"`);
    report.check(arrivals(slowProbe.key).filter((r) => r.mode === 'slow').length === 1, `slow: the timed-out restart reached the platform once, not resent (${arrivals(slowProbe.key).filter((r) => r.mode === 'slow').length} POST with its key while slow)`);
    report.check(errorProbe.text.includes('overloaded') && arrivals(errorProbe.key).length === 1, `503: the probe failed with the platform's words and was not resent (${arrivals(errorProbe.key).length} POST with its key): "${errorProbe.text.slice(0, 160)}"`);
    const refused = presses.filter((p) => p.refusedByBreaker);
    report.check([slowRefused, errorRefused, downPress!].every((p) => p.refusedByBreaker), `while the breaker was open, presses in every mode were refused with the reason on the card (${refused.length} refused: ${refused.map((p) => p.mode).join(', ')})`);
    report.check(refused.every((p) => arrivals(p.key).length === 0), `a press refused by the breaker sent nothing (${refused.reduce((n, p) => n + arrivals(p.key).length, 0)} POSTs with their keys)`);
    report.check(posts.filter((r) => r.mode === 'down').length === 0, 'nothing reached a platform that was down');
    const keys = [...new Set(posts.map((r) => r.key))];
    const twice = keys.filter((k) => arrivals(k!).length > 1);
    report.check(
      twice.every((k) => k === slowProbe.key),
      `each Idempotency-Key reached the platform at most once, except the slow restart's, sent again by Retry with the same key (${keys.length} keys; sent twice: ${twice.length === 0 ? 'none' : twice.map((k) => (k === slowProbe.key ? 'the slow restart, by Retry' : k)).join(', ')})`,
    );
    report.check(recovered.text.startsWith('✅'), `after recovery the breaker closed and Restart works: "${recovered.text.slice(0, 80)}"`);
    report.check(
      retried?.text.startsWith('✅') === true && retried.key === slowProbe.key && restartedByRetry === 0,
      `Retry of the timed-out restart sent the same key, and the platform, which had carried it out, answered from its record: ${RUNTIMES[2]} restarted ${restartedByRetry} more times; card "${retried?.text.slice(0, 80)}"`,
    );
    // Every restart the simulator carried out is one Idempotency-Key it kept as done, and the other way round.
    await sleep(500);
    const done = await simDb.query<{ key: string; fingerprint: string }>(sql`select key, fingerprint from platform_idempotency_keys where state = 'done'`);
    const restartsByKey = new Map<string, number>();
    for (const row of done) {
      const runtime = /^\["restart","runtime (.+?)"/.exec(row.fingerprint)?.[1];
      if (runtime) restartsByKey.set(runtime, (restartsByKey.get(runtime) ?? 0) + 1);
    }
    const restarts = [...heartbeats.entries()].map(([r, n]) => `${r}×${n}`).join(', ');
    report.check(
      [...new Set([...heartbeats.keys(), ...restartsByKey.keys()])].every((r) => heartbeats.get(r) === restartsByKey.get(r)),
      `the platform carried out one restart per key it accepted, none twice (restarts: ${restarts}; keys done: ${[...restartsByKey.entries()].map(([r, n]) => `${r}×${n}`).join(', ')})`,
    );
    const failing = (text: string) => /Runtime posture — FAIL \(could not list runtimes: [^)]*(could not be reached|overloaded)/.test(text);
    report.check(failing(doctorDown) && failing(doctorError), `/doctor said the platform was failing while it was down and while it answered 503: "${/Runtime posture — FAIL \([^\n]*/.exec(doctorDown)?.[0] ?? 'nothing'}"`);
    const breakerLine = (text: string) => (/circuit breaker to the platform is (open|half-open)/.test(text) ? /• platform calls kept failing[^\n]*/.exec(text)?.[0] : undefined);
    report.check(breakerLine(doctorDown) !== undefined && breakerLine(doctorError) !== undefined, `/doctor said Triage's breaker was open: "${breakerLine(doctorDown) ?? 'nothing'}"`);
    report.check(breakerLine(doctorAfter) === undefined, '/doctor no longer mentions the breaker once it closed');
    report.check(!/could not list runtimes/.test(doctorAfter), '/doctor reads the platform again once it is back');
  } finally {
    await stopAll(running);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }
}
