import { realPostgresUrl } from '../../test/support/databases.js';
import { faultReport, type FaultReport } from '../../test/faults/support/fault-report.js';
import { canRunPrivatePostgres, startPrivatePostgres } from '../../test/faults/support/private-postgres.js';

/**
 * Runs the full-length rounds of one fault (test/faults/ runs the short ones in CI) and prints what
 * was injected and what held. The fault code creates its databases on TEST_DATABASE_URL's server
 * (test/support/databases.ts); without one, a PostgreSQL 15 of the bench's own is started and
 * removed after. Exits 1 when any promise did not hold, 2 when a round could not run.
 */
export async function runFaultBench(name: string, rounds: Array<{ label: string; run(report: FaultReport): Promise<void> }>): Promise<never> {
  let server: Awaited<ReturnType<typeof startPrivatePostgres>> | undefined;
  let code = 0;
  try {
    if (!realPostgresUrl()) {
      if (!canRunPrivatePostgres()) throw new Error('set TEST_DATABASE_URL, or run as root with PostgreSQL 15 installed');
      server = await startPrivatePostgres();
      process.env.TEST_DATABASE_URL = server.url;
    }
    const failed: string[] = [];
    for (const round of rounds) {
      const report = faultReport(`${name}: ${round.label}`);
      const started = Date.now();
      await round.run(report);
      report.note(`round took ${((Date.now() - started) / 1000).toFixed(1)} s`);
      failed.push(...report.failed().map((f) => `${round.label}: ${f}`));
    }
    process.stdout.write(`\n${name}: ${rounds.length} rounds; ${failed.length ? `${failed.length} promise(s) did not hold:\n  ${failed.join('\n  ')}` : 'every promise held'}\n`);
    code = failed.length ? 1 : 0;
  } catch (error) {
    process.stderr.write(`${name}: could not run: ${(error as Error).stack ?? String(error)}\n`);
    code = 2;
  } finally {
    await server?.destroy();
  }
  // Kept-alive sockets of fetch would otherwise hold the process open.
  process.exit(code);
}
