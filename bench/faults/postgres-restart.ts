import { restartableDatabase, restartUnderLoad, type Restart } from '../../test/faults/support/restart-under-load.js';
import type { FaultReport } from '../../test/faults/support/fault-report.js';
import { runFaultBench } from './with-postgres.js';

/**
 * `npx tsx bench/faults/postgres-restart.ts [round…]`: test/faults/postgres-restart.test.ts at full
 * length, a minute down under heavier load: a clean restart (`pg_ctl stop -m fast`), a crash
 * (`-m immediate`, recovery on start), and every connection cut by a proxy. Name rounds to run only those.
 */
const round = (how: Restart) => ({
  label: `60 s down, ${how}`,
  run: async (report: FaultReport) => {
    const db = await restartableDatabase(how);
    try {
      await restartUnderLoad(db, report, { senders: 16, batchSize: 50, beforeMs: 10_000, downMs: 60_000, afterMs: 15_000, recoveryGoalMs: 5_000 });
    } finally {
      await db.close();
    }
  },
});
const rounds = [round('fast'), round('immediate'), round('cut')];
const wanted = process.argv.slice(2);
await runFaultBench('postgres-restart', wanted.length ? rounds.filter((r) => wanted.some((w) => r.label.includes(w))) : rounds);
