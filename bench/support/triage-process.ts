import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { deferCleanup } from './cleanup.js';
import { runCommand } from './command.js';
import { freePort } from './free-port.js';

export type Memory = { peakMb: number; sampledMaxMb: number; samples: number };

export type TriageProcess = {
  pid: number;
  url: string;
  token: string;
  /** Peak RSS so far: the kernel's VmHWM, and the highest VmRSS seen by 50 ms sampling. */
  memory(): Memory;
  /** CPU time (user + system, all threads) the process has used so far, in ms. */
  cpuMs(): number;
  /** JSON log lines so far (LOG_LEVEL=warn, so each one is a warning or an error). */
  logLines(): string[];
  /** SIGTERM, then SIGKILL if it has not exited in time; idempotent. */
  stop(): Promise<void>;
};

const root = packageRoot();
const entry = join(root, 'dist', 'src', 'main.js');

/** Rebuilds dist/ when any input of tsconfig.build.json is newer than the built entry point. */
export async function buildIfStale(): Promise<boolean> {
  const inputs = ['src', 'adapters', 'scripts', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
  const built = existsSync(entry) ? statSync(entry).mtimeMs : 0;
  if (built && Math.max(...inputs.map((p) => newestMtime(join(root, p)))) <= built) return false;
  await runCommand('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, timeoutMs: 180_000 });
  return true;
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/**
 * Starts the built Triage as a child process, as production runs it (`node dist/src/main.js`),
 * so its RSS is its own and not the load generator's. `entry` and `env` let a profiling script
 * run a patched copy of the build or another configuration (e.g. PLATFORM_URL: no simulator).
 * Extra node flags (e.g. `--cpu-prof --cpu-prof-dir=/abs/dir`) come from BENCH_TRIAGE_NODE_ARGS.
 */
export async function startTriageProcess(
  databaseUrl: string,
  options: { readyTimeoutMs?: number; entry?: string; env?: Record<string, string> } = {},
): Promise<TriageProcess> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const port = await freePort();
  const token = randomBytes(24).toString('base64url').slice(0, 32);
  const dataDir = mkdtempSync(join(tmpdir(), 'triage-bench-data-'));
  const nodeArgs = (process.env.BENCH_TRIAGE_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  // cwd is the empty data dir so a developer's triage.config.yml cannot change what we measure.
  const child = spawn(process.execPath, [...nodeArgs, options.entry ?? entry], {
    cwd: dataDir,
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: databaseUrl,
      INGEST_TOKEN: token,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      TRIAGE_DATA_DIR: dataDir,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Bounded: a Triage that logs an error per event must not make the bench itself run out of memory.
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-64_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exitCode: number | string | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? signal;
      resolve();
    }),
  );
  child.once('error', (error) => keep(Buffer.from(`spawn failed: ${error.message}\n`)));

  let sampledMaxKb = 0;
  let samples = 0;
  let lastHwmKb = 0;
  const sample = () => {
    const status = readStatus(child.pid);
    if (!status) return;
    samples++;
    sampledMaxKb = Math.max(sampledMaxKb, status.rssKb);
    lastHwmKb = Math.max(lastHwmKb, status.hwmKb);
  };
  const sampler = setInterval(sample, 50);

  const stop = deferCleanup('Triage process', async () => {
    clearInterval(sampler);
    if (exitCode === undefined) {
      child.kill('SIGTERM');
      const killed = await Promise.race([exited.then(() => false), sleep(12_000).then(() => true)]);
      if (killed) {
        child.kill('SIGKILL');
        await Promise.race([exited, sleep(5_000)]);
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  try {
    while (!(await isReady(url))) {
      if (exitCode !== undefined) throw new Error(`Triage exited (${exitCode}) before it was ready:\n${output}`);
      if (Date.now() > deadline) throw new Error(`Triage was not ready within ${readyTimeoutMs} ms:\n${output}`);
      await sleep(100);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    pid: child.pid!,
    url,
    token,
    memory: () => {
      sample();
      return { peakMb: lastHwmKb / 1024, sampledMaxMb: sampledMaxKb / 1024, samples };
    },
    cpuMs: () => readCpuMs(child.pid),
    logLines: () => output.split('\n').filter((line) => line.startsWith('{')),
    stop,
  };
}

/**
 * Waits until the process has used under 5% of a core for a whole second, or `timeoutMs` passes.
 * Triage keeps working after the last 202 (listeners on stored events, e.g. the simulator), and
 * that work is part of what 20,000 events cost, in time and in memory. Resolves the wait in ms.
 */
export async function waitUntilIdle(triage: TriageProcess, timeoutMs = 120_000): Promise<{ ms: number; idle: boolean }> {
  return waitUntilAllIdle([triage], timeoutMs);
}

/** waitUntilIdle for several processes at once: each under 5% of a core over the same second. */
export async function waitUntilAllIdle(processes: readonly Pick<TriageProcess, 'cpuMs'>[], timeoutMs = 120_000): Promise<{ ms: number; idle: boolean }> {
  const started = performance.now();
  const window: number[][] = [processes.map((p) => p.cpuMs())];
  while (performance.now() - started < timeoutMs) {
    await sleep(250);
    window.push(processes.map((p) => p.cpuMs()));
    if (window.length > 5) window.shift();
    if (window.length === 5 && processes.every((_, i) => window[4]![i]! - window[0]![i]! < 50)) {
      return { ms: performance.now() - started - 1_000, idle: true };
    }
  }
  return { ms: performance.now() - started, idle: false };
}

/** utime + stime from /proc/<pid>/stat, in clock ticks of 10 ms (USER_HZ is 100 on Linux). */
function readCpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name, which may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

async function isReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false; // not listening yet
  }
}

/** VmRSS and VmHWM (peak RSS, kept by the kernel) of a live process; undefined once it is gone. */
function readStatus(pid: number | undefined): { rssKb: number; hwmKb: number } | undefined {
  if (!pid) return undefined;
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
