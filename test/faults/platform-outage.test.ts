import { describe, expect, it } from 'vitest';
import { realPostgresUrl } from '../support/databases.js';
import { faultReport } from './support/fault-report.js';
import { platformOutage } from './support/platform-outage.js';

/**
 * Fault injection on real processes (docs/architecture.md, "Exactly-once platform actions"): the
 * platform down, then slow, then answering 503, then back, with Restart pressed in each. The
 * full-length run is bench/faults/platform-outage.ts.
 */
describe.runIf(realPostgresUrl())('the platform down, slow, then answering 5xx', () => {
  it('opens the breaker and says so on cards and in /doctor, refuses actions with a reason, never sends one twice, and closes after', async () => {
    const report = faultReport('platform-outage');
    await platformOutage(report, { timeoutMs: 600, breakerFailures: 3, breakerOpenSeconds: 3, slowMs: 1_500, holdMs: 0 });
    expect(report.failed()).toEqual([]);
  }, 120_000);
});
