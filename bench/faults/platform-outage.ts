import { platformOutage } from '../../test/faults/support/platform-outage.js';
import { runFaultBench } from './with-postgres.js';

/**
 * `npx tsx bench/faults/platform-outage.ts`: test/faults/platform-outage.test.ts at full length,
 * each mode (down, slow, 503) held for a minute with Restart pressed every 5 s, and Triage's
 * default breaker (5 failures) with a 15 s wait between probes. The slow platform answers in 4 s:
 * past the actions' 2 s deadline, within the 5 s the console's own reads of the people wait.
 */
await runFaultBench('platform-outage', [
  {
    label: 'a minute per mode',
    run: (report) => platformOutage(report, { timeoutMs: 2_000, breakerFailures: 5, breakerOpenSeconds: 15, slowMs: 4_000, holdMs: 60_000, pressEveryMs: 5_000 }),
  },
]);
