import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDatabase } from '../src/db/client.js';
import type { DoctorCheck } from '../src/doctor/check.js';
import { runDoctor } from '../src/doctor/run.js';
import type { Benchmark } from './support/benchmark.js';

const CHECKS = 20;
const CHECK_MS = 200;
const GOAL_OVERHEAD_MS = 50;
const ROUNDS = 5;
const say = (line: string) => process.stdout.write(`doctor: ${line}\n`);

/**
 * Twenty checks that each take 200 ms (an HTTP probe of a local server that answers after
 * 200 ms, like a slow provider), through the real runner and the real run store on PGlite. The
 * report must take about as long as the slowest check, not the sum of them: the checks'
 * own measured durations are the baseline, from the same run.
 */
async function run(): Promise<{ goalsMet: boolean }> {
  const server = createServer((_req, res) => setTimeout(() => res.end('ok'), CHECK_MS));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const database = await openDatabase({ kind: 'pglite' });
  try {
    await database.migrate();
    const checks: DoctorCheck[] = Array.from({ length: CHECKS }, (_, i) => ({
      section: 'providers',
      name: `probe ${i + 1}`,
      run: async ({ signal }) => {
        const answer = await fetch(url, { signal });
        await answer.text();
        return { status: 'pass', details: [], actions: [] };
      },
    }));
    const ctx = { db: database.db, checks, timeoutMs: 5_000, rankOf: () => undefined };
    const requestedBy = { platform: 'system' as const, userId: 'bench' };
    await runDoctor(ctx, { requestedBy, trigger: 'command', sections: [] });
    let goalsMet = true;
    for (let round = 1; round <= ROUNDS; round++) {
      const started = performance.now();
      const report = await runDoctor(ctx, { requestedBy, trigger: 'command', sections: [] });
      const wall = performance.now() - started;
      const durations = report.results.map((r) => r.durationMs);
      const sum = durations.reduce((a, b) => a + b, 0);
      const slowest = Math.max(...durations);
      const met = wall <= slowest + GOAL_OVERHEAD_MS && report.results.every((r) => r.status === 'pass');
      goalsMet &&= met;
      say(
        `round ${round}: ${CHECKS} checks of ~${CHECK_MS} ms: report in ${wall.toFixed(0)} ms; sum of checks ${sum.toFixed(0)} ms; ` +
          `wall/sum = ${(wall / sum).toFixed(3)}; slowest check ${slowest.toFixed(0)} ms; goal wall <= slowest + ${GOAL_OVERHEAD_MS} ms: ${met ? 'met' : 'NOT met'}`,
      );
    }
    return { goalsMet };
  } finally {
    server.close();
    await database.close();
  }
}

export default { name: 'doctor', run } satisfies Benchmark;
