import { availableParallelism, loadavg } from 'node:os';
import type { Benchmark } from './support/benchmark.js';
import { pooled, type AckFigures } from './support/ack-load.js';
import { cpuPerAck } from './support/ack-report.js';
import { meanCpu, median, type Window } from './support/ack-rounds.js';
import { withTimeout } from './support/command.js';
import { interleaveDiscord, signingKeys, type DiscordContender, type Interacted, type SigningKeys } from './support/discord-load.js';
import { report, reportAnswers, say, type Answered } from './support/discord-report.js';
import { startBareDiscord, startFakeDiscord, startTriageWithDiscord, type FakeDiscord } from './support/discord-targets.js';
import { createFreshDatabase, openPostgresServer } from './support/postgres.js';
import { buildIfStale } from './support/triage-process.js';

const SHAPE = {
  concurrency: 64,
  warmupMs: 1_000,
  /** Past Discord's 3 s the interaction has failed anyway; 5 s still shows how far past it a request went. */
  timeoutMs: 5_000,
};
/** Triage and the bare server side by side: this many rounds of one window each, the order rotated per round. */
const ROUNDS = 5;
const WINDOW_MS = 5_000;
/** After a window, how long Triage may take to send the answers it still owes before the next window starts. */
const SETTLE_MS = 5_000;
const GOAL_P99_RATIO = 1.2;
/** The whole run after the build; every step inside has its own shorter bound too. */
const RUN_BOUND_MS = 240_000;

/**
 * `/triage help` is the cheapest command; Dismiss on an insight that does not exist is a click
 * the core refuses in words, so it runs the whole click path (record, core, follow-up) and
 * changes nothing between rounds (test/fuzz/chat-far-side.ts lists it among the harmless buttons).
 */
const TRIAGE_HELP: Interacted = { kind: 'command', name: 'triage', text: 'help' };
const DISMISS: Interacted = { kind: 'button', customId: 'v1|dismiss|insight:999999', messageId: '1400000000000000001' };
const LABELS = { help: 'triage /triage help', dismiss: 'triage Dismiss click', bare: 'bare Ed25519 server' } as const;
/** startTriageWithDiscord's one `/triage help`, sent before the load to see that Discord is wired. */
const PROBES = 1;

type SideBySide = { help: Window[]; dismiss: Window[]; bare: Window[]; answered: Answered; logLines: string[] };

/**
 * How fast Triage acks signed Discord interactions (time to the HTTP response) with 64 in flight,
 * next to a bare node:http server that only verifies the Ed25519 signature and answers a deferred
 * type 5: what Triage adds on top of the check every Discord endpoint must make (issue 18). A
 * slash command and a button click are measured in rounds alternating with the bare server.
 * Triage, the bare server and the fake Discord REST API it answers through are child processes;
 * this process is only the load generator and its stopwatch.
 */
async function run(): Promise<{ goalsMet: boolean }> {
  let buildFailure: Error | undefined;
  try {
    if (await buildIfStale()) say('dist/ was stale: rebuilt with tsc -p tsconfig.build.json');
  } catch (error) {
    buildFailure = new Error(`Discord adapter not available: the build failed: ${(error as Error).message.slice(0, 2_000)}`);
  }
  return withTimeout(measureAll(buildFailure), RUN_BOUND_MS, 'the discord benchmark');
}

async function measureAll(buildFailure: Error | undefined): Promise<{ goalsMet: boolean }> {
  const keys = signingKeys();
  const discord = await startFakeDiscord();
  const server = await openPostgresServer();
  try {
    say(
      `host: ${availableParallelism()} CPUs, load average ${loadavg()[0]!.toFixed(2)} before the run; ${SHAPE.concurrency} concurrent signed "/triage help" or Dismiss clicks; ` +
        `${ROUNDS} rounds of ${WINDOW_MS / 1000} s per target side by side with the bare Ed25519 server (order rotated each round)`,
    );
    let measured: SideBySide | Error;
    try {
      if (buildFailure) throw buildFailure;
      measured = await measureSideBySide(server.adminUrl, keys, discord);
    } catch (error) {
      measured = error instanceof Error ? error : new Error(String(error));
    }
    const misses = judge(measured);
    say(`fake Discord received ${Object.entries(await discord.counts()).map(([kind, n]) => `${kind} ${n}`).join(', ') || 'nothing'}`);
    // Only a target that could not be measured at all fails the run; a missed goal is a result.
    if (measured instanceof Error) throw measured;
    say(misses.length ? `goals NOT met: ${misses.join('; ')}` : 'goals met');
    return { goalsMet: misses.length === 0 };
  } finally {
    await server.stop();
    await discord.stop();
  }
}

/** One Triage (fresh database) and one bare server, both kept running while the rounds alternate between them. */
async function measureSideBySide(adminUrl: string, keys: SigningKeys, discord: FakeDiscord): Promise<SideBySide> {
  const db = await createFreshDatabase(adminUrl, 'bench_discord');
  try {
    const answers = await answerTracker(discord);
    const { triage, target } = await startTriageWithDiscord(db.url, keys, discord);
    try {
      const bare = await startBareDiscord(keys);
      try {
        const settle = (w: AckFigures) => answers.owe(w).then(() => answers.waitForAll(SETTLE_MS));
        const help: DiscordContender = { label: LABELS.help, target, what: TRIAGE_HELP, cpuMs: triage.cpuMs, settle };
        const dismiss: DiscordContender = { label: LABELS.dismiss, target, what: DISMISS, cpuMs: triage.cpuMs, settle };
        const floor: DiscordContender = { label: LABELS.bare, target: bare.target, what: TRIAGE_HELP, cpuMs: bare.cpuMs, settle: async () => {} };
        const windows = await interleaveDiscord([help, dismiss, floor], ROUNDS, WINDOW_MS, SHAPE);
        return { help: windows.get(help)!, dismiss: windows.get(dismiss)!, bare: windows.get(floor)!, answered: await answers.answered(), logLines: triage.logLines() };
      } finally {
        await bare.stop();
      }
    } finally {
      await triage.stop();
    }
  } finally {
    await db.drop();
  }
}

/**
 * Did the acked interactions really run? Each is answered through its webhook after the ack.
 * Created before Triage starts: its start-up probe is owed an answer too.
 */
async function answerTracker(discord: FakeDiscord) {
  const answered = async () => (await discord.counts()).answered ?? 0;
  const before = await answered();
  let owed = PROBES;
  let waitedMs = 0;
  return {
    // An interaction told "busy" in its ack was answered there; every other acked one is owed an answer.
    owe: async (f: AckFigures) => void (owed += f.ok - f.busy),
    waitForAll: async (waitMs: number) => {
      const started = performance.now();
      while ((await answered()) - before < owed && performance.now() - started < waitMs) await new Promise((r) => setTimeout(r, 50));
      waitedMs = performance.now() - started;
    },
    answered: async (): Promise<Answered> => ({ count: (await answered()) - before, expected: owed, afterMs: waitedMs }),
  };
}

/** Prints the side-by-side figures and ratios; returns the goals missed. */
function judge(measured: SideBySide | Error): string[] {
  if (measured instanceof Error) {
    say(`triage and the bare server side by side: could not measure: ${measured.message}`);
    return [];
  }
  const misses: string[] = [];
  const total = ROUNDS * WINDOW_MS;
  const whole = (windows: Window[]) => ({ figures: pooled(windows.map((w) => w.figures)), cpu: meanCpu(windows) });
  const bare = whole(measured.bare);
  const sides = [[LABELS.help, measured.help], [LABELS.dismiss, measured.dismiss]] as const;
  for (const [label, windows] of sides) {
    const mine = whole(windows);
    report(label, mine, total);
    if (mine.figures.errors) misses.push(`${mine.figures.errors} failed acks from ${label}`);
  }
  reportAnswers('triage (both interactions, one process)', measured.answered, measured.logLines);
  report(LABELS.bare, bare, total);
  if (bare.figures.errors) misses.push(`${bare.figures.errors} failed acks from the bare server (the generator or host is struggling)`);
  for (const [label, windows] of sides) {
    const mine = whole(windows);
    // Judged on every ack of every round at once, as bench/ack.ts does: a 5 s window's p99 rests
    // on a few hundred requests, the pooled one on thousands.
    const ratio = mine.figures.p99 / bare.figures.p99;
    const byRound = windows.map((w, i) => w.figures.p99 / measured.bare[i]!.figures.p99);
    const cpuRatio = cpuPerAck(mine.cpu, mine.figures) / cpuPerAck(bare.cpu, bare.figures);
    say(
      `${label}/bare p99 ratio ${ratio.toFixed(2)} over all rounds (goal <= ${GOAL_P99_RATIO}); by round ${byRound.map((r) => r.toFixed(2)).join(', ')} (median ${median(byRound).toFixed(2)}); ` +
        `p50 ratio ${(mine.figures.p50 / bare.figures.p50).toFixed(2)}; req/s ratio ${(mine.figures.perSecond / bare.figures.perSecond).toFixed(2)}; CPU per ack ratio ${cpuRatio.toFixed(2)}`,
    );
    if (!(ratio <= GOAL_P99_RATIO)) misses.push(`${label}/bare p99 ratio ${ratio.toFixed(2)} > ${GOAL_P99_RATIO}`);
  }
  return misses;
}

export default { name: 'discord', run } satisfies Benchmark;
