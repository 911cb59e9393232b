import { afterAll, describe, expect, it } from 'vitest';
import { realPostgresUrl } from '../support/databases.js';
import { faultReport } from './support/fault-report.js';
import { canRunPrivatePostgres } from './support/private-postgres.js';
import { restartableDatabase, restartUnderLoad, type RestartableDatabase } from './support/restart-under-load.js';

/**
 * Fault injection on real processes (docs/architecture.md, "Several replicas behave as one"):
 * PostgreSQL restarted while a platform posts events. The full-length run is
 * bench/faults/postgres-restart.ts.
 */
describe.runIf(canRunPrivatePostgres() || realPostgresUrl())('PostgreSQL restarted under intake load', () => {
  let db: RestartableDatabase | undefined;
  afterAll(async () => db?.close());

  it('answers 503 with Retry-After while it is down, recovers without a restart of Triage, and stores every event it answered 202', async () => {
    db = await restartableDatabase(canRunPrivatePostgres() ? 'fast' : 'cut');
    const report = faultReport('postgres-restart');
    await restartUnderLoad(db, report, { senders: 6, batchSize: 20, beforeMs: 2_000, downMs: 5_000, afterMs: 2_000, recoveryGoalMs: 5_000 });
    expect(report.failed()).toEqual([]);
  }, 120_000);
});
