import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, realPostgresUrl } from '../support/databases.js';
import type { TriageProcess } from '../support/process.js';
import { observe, postEvents, sleep, startReplica, stopAll, waitFor } from '../support/replicas.js';

const RUNTIME = 'bash-runtime-downtime';
const INTERVAL_S = 2;
const MISSED = 4;
/** The rule's own threshold: no heartbeat for this long is "unreachable". */
const SILENT_MS = INTERVAL_S * MISSED * 1_000;

const config = `
insights:
  tickCron: '* * * * * *'
  presenceBeatSeconds: 0.5
  thresholds:
    runtime_unreachable: { missedIntervals: ${MISSED} }
`;

const heartbeat = () => ({
  type: 'runtime.heartbeat',
  source: 'platform',
  occurredAt: new Date().toISOString(),
  attributes: { runtime: RUNTIME, intervalSeconds: INTERVAL_S, employee: 'Elena' },
});

/**
 * The report, with real processes: after a kill -9 and a restart, Triage raised
 * "Runtime … unreachable" because the heartbeat gap it saw was its own downtime. Now the downtime
 * is on record and the runtime gets the rule's whole threshold again after Triage is back.
 */
describe.runIf(realPostgresUrl())("Triage's own downtime is not the platform's (real processes, PostgreSQL)", () => {
  const processes: TriageProcess[] = [];
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await stopAll(processes);
    await drop?.();
  });

  it('gives a runtime that was heartbeating grace after a SIGKILL and a restart, then judges it as usual', async () => {
    const db = await createPostgresDatabase();
    drop = db.drop;
    const look = observe(db.url);
    try {
      const first = await startReplica(db.url, config);
      processes.push(first);
      for (let i = 0; i < 3; i++) {
        expect((await postEvents(first.url, [heartbeat()])).status).toBe(202);
        await sleep(500);
      }
      first.child.kill('SIGKILL');
      await first.exited;
      // Longer than the rule's threshold: this silence alone would make the runtime "unreachable".
      await sleep(SILENT_MS + 1_000);

      const second = await startReplica(db.url, config);
      processes.push(second);
      const gaps = await look.sql<Array<{ seconds: number }>>`select extract(epoch from ended_at - started_at)::float8 as seconds from triage_gaps`;
      console.log(`[own-downtime] injected: SIGKILL, ${SILENT_MS + 1_000} ms down, restart; recorded gap: ${gaps.map((g) => g.seconds.toFixed(1)).join(', ')} s`);
      expect(gaps).toHaveLength(1);
      expect(gaps[0]!.seconds).toBeGreaterThan(SILENT_MS / 1_000);

      // Several evaluation ticks inside the grace: no card for a runtime whose silence was ours.
      await sleep(2_500);
      const fingerprint = `runtime_unreachable:${RUNTIME}`;
      const during = (await look.insightStates()).filter((s) => s.startsWith(fingerprint));
      console.log(`[own-downtime] held: ${during.length === 0 ? 'no card during the grace' : during.join(', ')}`);
      expect(during).toEqual([]);

      // Still silent after the grace: the platform's silence now, and the rule says so.
      const after = await waitFor(async () => (await look.insightStates()).find((s) => s.startsWith(`${fingerprint}=open`)), SILENT_MS + 10_000);
      console.log(`[own-downtime] held: the rule still fires after the grace (${after ?? 'no card'})`);
      expect(after).toBeDefined();
    } finally {
      await look.close();
    }
  }, 120_000);
});
