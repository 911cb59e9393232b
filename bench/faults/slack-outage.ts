import { rmSync } from 'node:fs';
import type { FaultReport } from '../../test/faults/support/fault-report.js';
import { reportFaultRun } from '../../test/faults/support/slack-outage-report.js';
import { cleanRun, faultRun, prepareDatabase, type DatabaseTarget, type Settings } from '../../test/faults/support/slack-outage-run.js';
import { runFaultBench } from './with-postgres.js';

/**
 * `npx tsx bench/faults/slack-outage.ts [pglite|postgres]`: test/faults/slack-outage.test.ts at
 * full length. Slack refuses every call (429 with Retry-After, and 5xx) for a minute from the start
 * of the seed scenario, then Triage is SIGKILLed while the backlog drains and restarted on the same
 * data, with every other setting at its default: Slack's pacing, the outbox's 60 s lease (the post
 * in flight at the kill is sent again when it ends) and the Restart's own deadline (a click whose
 * replica died before reaching the platform is finished by the watchdog then). The clean run
 * each round compares against plays the same scenario at the same time on its own process.
 * FAULT_SLACK_OUTAGE_MS and FAULT_SLACK_RETRY_AFTER_S change the window.
 */
const outageMs = Number(process.env.FAULT_SLACK_OUTAGE_MS ?? 60_000);
const settings: Settings = {
  outageMs,
  retryAfterS: Number(process.env.FAULT_SLACK_RETRY_AFTER_S ?? Math.max(1, Math.round(outageMs / 10_000))),
  config: 'insights: {}\n',
  drainTimeoutMs: 300_000,
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const round = (kind: DatabaseTarget['kind']) => ({
  label: `${seconds(outageMs)} out, SIGKILL while draining, ${kind === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'}`,
  run: async (report: FaultReport) => {
    const targets = await Promise.all([prepareDatabase('pglite', { fromTemplate: false }), prepareDatabase(kind, { fromTemplate: false })]);
    try {
      const [clean, run] = await Promise.all([cleanRun(targets[0], settings), faultRun(targets[1], settings)]);
      const told = reportFaultRun(settings, clean, run);
      report.injected(told.injected);
      for (const { claim, held } of told.claims) report.check(held, claim);
      const f = told.figures;
      report.note(
        `figures: cards expected ${f.cardsExpected}, posted ${f.cardsPosted} (${f.posts} posts, ${f.duplicates} duplicate, ${f.updates} updates); ` +
          `refused during the outage: 429 × ${f.refused429}, 5xx × ${f.refused5xx}; SIGKILL ${seconds(f.killedAfterMs!)} after recovery, ` +
          `ready again ${seconds(f.restartedAfterMs!)} after recovery; every card of the clean run in Slack ${seconds(f.cardsPostedAfterMs!)} after recovery, ` +
          `the whole backlog (the Restart's outcome included) ${seconds(f.drainedAfterMs!)}`,
      );
    } finally {
      for (const target of targets) {
        await target.drop();
        rmSync(target.dataDir, { recursive: true, force: true });
      }
    }
  },
});

const rounds = [round('pglite'), round('postgres')];
const wanted = process.argv.slice(2);
await runFaultBench('slack-outage', wanted.length ? rounds.filter((r) => wanted.some((w) => r.label.includes(w === 'pglite' ? 'PGlite' : w === 'postgres' ? 'PostgreSQL' : w))) : rounds);
