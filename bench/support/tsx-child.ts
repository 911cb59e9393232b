import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { deferCleanup } from './cleanup.js';

export type TsxChild = {
  pid: number | undefined;
  /** The first stdout line that matched `ready`. */
  readyLine: string;
  /** CPU time (user + system) the process has used so far, in ms. */
  cpuMs(): number;
  /** SIGTERM, then SIGKILL if it has not exited in 5 s; idempotent. */
  stop(): Promise<void>;
};

/**
 * A bench/support script as its own process (`node --import tsx`), so its CPU is neither the
 * load generator's nor the target's. Resolves once a stdout line matches `ready`; fails with the
 * process's output if it exits or stays silent first. Extra node flags come from `nodeArgs`.
 */
export async function startTsxChild(options: { label: string; script: string; env: Record<string, string>; ready: RegExp; nodeArgs?: string[]; readyTimeoutMs?: number }): Promise<TsxChild> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  const root = packageRoot();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', join(root, 'bench', 'support', options.script)], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-16_000));
  child.stderr.on('data', keep);
  let exitCode: number | string | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? signal;
      resolve();
    }),
  );
  child.once('error', (error) => keep(Buffer.from(`spawn failed: ${error.message}\n`)));
  const stop = deferCleanup(options.label, async () => {
    if (exitCode !== undefined) return;
    child.kill('SIGTERM');
    if (await Promise.race([exited.then(() => false), sleep(5_000).then(() => true)])) {
      child.kill('SIGKILL');
      await Promise.race([exited, sleep(5_000)]);
    }
  });
  try {
    const readyLine = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${options.label} was not ready within ${readyTimeoutMs} ms:\n${output}`)), readyTimeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        keep(chunk);
        const line = output.split('\n').find((l) => options.ready.test(l));
        if (line === undefined) return;
        clearTimeout(timer);
        resolve(line);
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${options.label} exited (${exitCode}) before it was ready:\n${output}`));
      });
    });
    return { pid: child.pid, readyLine, cpuMs: () => processCpuMs(child.pid), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** utime + stime of a live process from /proc/<pid>/stat, in ms (USER_HZ is 100 on Linux). */
export function processCpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
