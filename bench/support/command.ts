import { execFile } from 'node:child_process';

/** Runs a command to completion with a hard timeout; rejects with its output when it fails. */
export function runCommand(
  file: string,
  args: string[],
  options: { timeoutMs: number; cwd?: string; env?: NodeJS.ProcessEnv },
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { timeout: options.timeoutMs, killSignal: 'SIGKILL', cwd: options.cwd, env: options.env, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const why = error.killed ? `timed out after ${options.timeoutMs} ms` : error.message.split('\n')[0];
        reject(new Error(`${[file, ...args].join(' ')}: ${why}\n${stdout}${stderr}`.trimEnd()));
      },
    );
  });
}

/** Resolves `promise` or rejects once `ms` have passed; every external wait in the bench goes through this. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
