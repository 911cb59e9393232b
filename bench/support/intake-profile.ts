import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateEvents } from './events.js';
import { postBatches } from './post-batches.js';
import { createFreshDatabase, openPostgresServer } from './postgres.js';
import { buildIfStale, startTriageProcess, waitUntilIdle } from './triage-process.js';
import { cleanupAll } from './cleanup.js';

/**
 * Where Triage's CPU goes under bench/intake's load: `npx tsx bench/support/intake-profile.ts [dir]`
 * starts the built Triage with `node --cpu-prof`, posts the same events bench/intake does (three
 * rounds of 20,000 after a warm-up), lets it go idle, stops it (the profile is written on exit)
 * and prints the functions with the most self time, split into "during the load" and "after the
 * last 202" by the sample timeline. Open the .cpuprofile in Chrome DevTools for the call tree.
 */
type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number };

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  // --platform-url=URL: a real platform instead of the embedded simulator (no simulator listener).
  const platformUrl = args.find((a) => a.startsWith('--platform-url='))?.slice('--platform-url='.length);
  const dir = resolve(args.find((a) => !a.startsWith('--')) ?? `/tmp/triage-intake-profile-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  await buildIfStale();
  process.env.BENCH_TRIAGE_NODE_ARGS = `--cpu-prof --cpu-prof-dir=${dir}`;
  const server = await openPostgresServer();
  const db = await createFreshDatabase(server.adminUrl, 'bench_profile');
  const triage = await startTriageProcess(db.url, platformUrl ? { env: { PLATFORM_URL: platformUrl } } : {});
  const options = { batchSize: 100, concurrency: 16, requestTimeoutMs: 30_000 };
  await postBatches(triage.url, triage.token, generateEvents('bench-warmup', 1_000, 'warm', 7), options);
  const startedAt = Date.now();
  let ms = 0;
  for (let round = 0; round < 3; round++) {
    const load = await postBatches(triage.url, triage.token, generateEvents('bench-intake', 20_000, `ev-${round}`), options);
    if (load.failures) throw new Error(load.firstFailures.join('; '));
    ms += load.ms;
  }
  const loadEndedAt = Date.now();
  await waitUntilIdle(triage);
  await triage.stop();
  await db.drop();
  await server.stop();
  process.stdout.write(`60000 events in ${Math.round(ms)} ms; profile in ${dir}\n`);
  const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f)).sort().pop()!;
  summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, loadEndedAt - startedAt);
}

/** Self time per function, for the last `loadMs` of samples before the long idle and after. */
function summarise(profile: Profile, loadMs: number): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Sample times in ms since the profile started.
  let t = 0;
  const times = profile.timeDeltas.map((d) => (t += d / 1000));
  const total = times[times.length - 1]!;
  // The process stops a few seconds after going idle, which itself follows the load's end; the
  // load is found as the busiest window of loadMs instead of by clock alignment.
  const busy = (i: number) => byId.get(profile.samples[i]!)!.callFrame.functionName !== '(idle)';
  let best = 0;
  let bestStart = 0;
  let count = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    if (busy(hi)) count++;
    while (times[hi]! - times[lo]! > loadMs) if (busy(lo++)) count--;
    if (count > best) [best, bestStart] = [count, times[lo]!];
  }
  const during = new Map<string, number>();
  const after = new Map<string, number>();
  for (let i = 1; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`;
    const into = times[i]! < bestStart ? undefined : times[i]! <= bestStart + loadMs ? during : after;
    into?.set(name, (into.get(name) ?? 0) + profile.timeDeltas[i]! / 1000);
  }
  for (const [label, map] of [['during the load', during], ['after the load', after]] as const) {
    const all = [...map.entries()].filter(([n]) => !n.startsWith('(idle)')).sort((a, b) => b[1] - a[1]);
    const sum = all.reduce((s, [, v]) => s + v, 0);
    process.stdout.write(`\n${label}: ${Math.round(sum)} ms busy (profile ${Math.round(total)} ms)\n`);
    for (const [name, v] of all.slice(0, 30)) process.stdout.write(`${v.toFixed(0).padStart(7)} ms ${((100 * v) / sum).toFixed(1).padStart(5)}%  ${name}\n`);
  }
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    await cleanupAll();
    process.exit(1);
  },
);
