import { describe, expect, it } from 'vitest';
import { realPostgresUrl } from '../support/databases.js';
import { clickStorm } from './support/click-storm.js';
import { faultReport } from './support/fault-report.js';

/**
 * Fault injection on real processes (docs/architecture.md, "Several replicas behave as one"):
 * 1,000 clicks at once on one approval, over two replicas. The same storm with other seeds and
 * sizes is bench/faults/concurrent-clicks.ts.
 */
describe.runIf(realPostgresUrl())('1,000 concurrent clicks on one approval', () => {
  it('Approve, Deny, redeliveries and two replicas: one decision, the platform hears it at most once, every request answered', async () => {
    const report = faultReport('concurrent-clicks');
    await clickStorm(report, { requests: 1_000, consoleShare: 0.1, redeliveryShare: 0.2, seed: 14 });
    expect(report.failed()).toEqual([]);
  }, 120_000);
});
