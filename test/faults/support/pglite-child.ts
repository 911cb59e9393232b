import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../../src/db/client.js';
import { packageRoot } from '../../../src/paths.js';

/**
 * PGlite work for the fault tests, in a child process: PGlite's boot and queries run on the
 * thread that calls them, and in the test's own process they would stall the Slack far side and
 * the PostgreSQL clients beside it for seconds (a stalled migration transaction is ended by the
 * server's idle-in-transaction timeout; a stalled far side turns posts into timeouts and resends).
 *
 *   node --import tsx test/faults/support/pglite-child.ts migrate <dataDir>
 *   node --import tsx test/faults/support/pglite-child.ts outcome <dataDir>   (prints JSON)
 */
const script = fileURLToPath(import.meta.url);

export function inPgliteChild<T>(op: 'migrate' | 'outcome', dataDir: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, op, dataDir], { cwd: packageRoot(), env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1) ?? 'null') as T) : reject(new Error(`PGlite ${op} in ${dataDir} failed (${code}):\n${err.slice(-2_000)}`))));
  });
}

async function main(op: string, dataDir: string): Promise<unknown> {
  const database = await openDatabase({ kind: 'pglite', dataDir });
  try {
    if (op === 'migrate') return await database.migrate();
    const { readOutcomeFrom } = await import('./slack-outage-outcome.js');
    return await readOutcomeFrom(database);
  } finally {
    await database.close();
  }
}

if (process.argv[1] === script) {
  main(process.argv[2] ?? '', process.argv[3] ?? '').then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
