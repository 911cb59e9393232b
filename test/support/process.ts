import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { packageRoot } from '../../src/paths.js';
import { watchOutput } from './secret-scan.js';

export type TriageProcess = { child: ChildProcess; url: string; output(): string; exited: Promise<number | null> };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs src/main.ts as its own process (through tsx), as `npm start` would run the build; `cwd` is
 * another checkout of Triage (the previous release, test/process/rolling-upgrade.test.ts).
 */
export async function spawnTriage(env: Record<string, string>, readyTimeoutMs = 60_000, cwd = packageRoot()): Promise<TriageProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  watchOutput(`Triage process on port ${port}`, env, () => output);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  let finished = false;
  void exited.then(() => (finished = true));
  while (Date.now() < deadline && !finished) {
    try {
      if ((await fetch(url + '/readyz', { signal: AbortSignal.timeout(1000) })).status === 200) return { child, url, output: () => output, exited };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, url, output: () => output, exited };
}

/** Runs src/main.ts with exactly this environment until it exits: for start-ups that must refuse. */
export async function runTriageToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: packageRoot(), env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  watchOutput('a Triage process run to its exit', env, () => output);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, output };
}
