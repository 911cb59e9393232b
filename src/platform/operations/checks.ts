import { z } from 'zod';
import { defineOperations } from './spec.js';

/**
 * How a probe run ended, in the self-healing research's words (Part 8, the L3 functional probe):
 * ok, degraded (responding but incorrectly), timeout (no answer in time), unhealthy (it failed).
 */
export const ProbeStatus = z.enum(['ok', 'degraded', 'timeout', 'unhealthy']);
export type ProbeStatus = z.infer<typeof ProbeStatus>;

/** One run of a probe, as the platform ran it just now. */
export const ProbeRun = z.object({
  probe: z.string(),
  ok: z.boolean(),
  status: ProbeStatus,
  /** The research's layers: L1 liveness, L2 readiness, L3 functionality, L4 quality. */
  layer: z.string().nullable(),
  /** The known-answer case: what the probe asked, what it expects, what it got. */
  input: z.string().nullable(),
  expected: z.string().nullable(),
  output: z.string().nullable(),
  detail: z.string().nullable(),
  ranAt: z.string(),
});
export type ProbeRun = z.infer<typeof ProbeRun>;

/** A trace-replay suite once a fix is applied and the suite replayed (failure-scenarios playbook, scenario 6). */
const SuiteReplay = z.object({
  suite: z.string(),
  passRate: z.number(),
  baselinePassRate: z.number(),
  /** The commit the suite now runs at. */
  commit: z.string().nullable(),
});

export const ChangeReverted = SuiteReplay.extend({
  /** The commit that regressed the suite, now reverted. */
  revertedCommit: z.string(),
  /** The traces that failed and pass again. */
  fixedTraces: z.array(z.string()),
});
export type ChangeReverted = z.infer<typeof ChangeReverted>;

export const FixtureRefreshed = SuiteReplay.extend({
  /** The traces whose new output is now their fixture. */
  refreshedTraces: z.array(z.string()),
});
export type FixtureRefreshed = z.infer<typeof FixtureRefreshed>;

/**
 * See ./index.ts. The checks: probes (self-healing research, layered health checks) and the
 * trace-replay suite (playbook scenario 6). A credential's reminder is a message to people, not
 * an operation (src/actions/recovery/checks/remind-credential-owner.ts).
 */
export const checksOperations = defineOperations({
  /** Probe failing: run the probe again now and answer what it got. */
  rerunProbe: { collection: 'probes', verb: 'run', body: z.strictObject({}), answer: ProbeRun },
  /** Trace replay regression, a breaking change: revert the commit that regressed the suite, then replay. */
  revertChange: { collection: 'suites', verb: 'revert', body: z.strictObject({}), answer: ChangeReverted },
  /** Trace replay regression, an intentional change: the failing traces' new output becomes their fixture. */
  refreshTraceFixture: { collection: 'suites', verb: 'refresh-fixture', body: z.strictObject({}), answer: FixtureRefreshed },
});
