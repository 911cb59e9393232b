import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { platformProviders } from '../../../db/schema/index.js';
import { ok } from '../../../result.js';
import { ProbeStatus, type checksOperations, type ProbeRun } from '../../operations/checks.js';
import { entityKey, fail, guard, simEvent, type SimContext } from '../context.js';
import { changeObject, readObject } from '../objects.js';
import { CREDENTIAL, PROBE, TRACE_SUITE } from './checks-events.js';
import type { Handlers } from './handler.js';

const ProbeState = z.object({
  ok: z.boolean(),
  status: z.string().nullish(),
  layer: z.string().nullish(),
  input: z.string().nullish(),
  expected: z.string().nullish(),
  output: z.string().nullish(),
  detail: z.string().nullish(),
  provider: z.string().nullish(),
  credential: z.string().nullish(),
  agent: z.string().nullish(),
  lastRunAt: z.string(),
});
type ProbeState = z.infer<typeof ProbeState>;

const SuiteState = z.object({
  passRate: z.number(),
  baselinePassRate: z.number(),
  commit: z.string().nullish(),
  failingTraces: z.array(z.string()).default([]),
  goodCommit: z.string().nullish(),
});
type SuiteState = z.infer<typeof SuiteState>;

/**
 * A known-answer probe costs a model call (self-healing research, Part 8: `agent.run(probe_input)`
 * under a 10 s timeout), so the platform runs one at most this often, its own schedule included.
 */
export const PROBE_MIN_INTERVAL_MS = 10_000;

const pct = (rate: number): string => `${Math.round(rate * 100)}%`;

/** The simulator's side of src/platform/operations/checks.ts. */
export const checksRemedies: Handlers<keyof typeof checksOperations> = (ctx) => ({
  rerunProbe: (probe) =>
    guard(`re-run probe ${probe}`, async () => {
      const at = ctx.now();
      // Read before taking the probe's lock: PGlite has one connection, busy inside the lock.
      const known = await readObject(ctx.database.db, PROBE, probe, ProbeState);
      const health = known ? await dependencyHealth(ctx, known, at) : undefined;
      const changed = await changeObject(ctx.database.db, at, { kind: PROBE, id: probe, schema: ProbeState }, (current) => {
        if (!current) return fail('not_found', `no probe ${probe} is known`);
        const sinceMs = at.getTime() - Date.parse(current.lastRunAt);
        if (sinceMs < PROBE_MIN_INTERVAL_MS) {
          return fail('invalid_state', `probe ${probe} ran ${Math.max(0, Math.round(sinceMs / 1000))} s ago; it runs at most once every ${PROBE_MIN_INTERVAL_MS / 1000} s`);
        }
        return ok({ ...current, ...runProbe(current, health), lastRunAt: at.toISOString() });
      });
      if (!changed.ok) return changed;
      const run = probeRun(probe, changed.value.after);
      await ctx.publish([simEvent('probe.result', probeEvent(run, changed.value.after), at)]);
      return ok(run);
    }),

  revertChange: (suite) =>
    guard(`revert the change behind suite ${suite}`, async () => {
      const at = ctx.now();
      let reverted = '';
      let fixed: string[] = [];
      const changed = await changeObject(ctx.database.db, at, { kind: TRACE_SUITE, id: suite, schema: SuiteState }, (current) => {
        const regressed = regression(suite, current);
        if (!regressed.ok) return regressed;
        const s = regressed.value;
        if (!s.commit) return fail('invalid_state', `the failing replay of suite ${suite} names no commit: there is nothing to revert`);
        reverted = s.commit;
        fixed = s.failingTraces;
        // The revert is a commit of its own; once replayed at the baseline it is the last good one.
        const revert = createHash('sha1').update(`revert ${s.commit}`).digest('hex').slice(0, 7);
        return ok({ ...s, passRate: s.baselinePassRate, commit: revert, failingTraces: [], goodCommit: revert });
      });
      if (!changed.ok) return changed;
      const after = changed.value.after;
      await ctx.publish([replayed(suite, after, `replayed after reverting ${reverted}`, at)]);
      return ok({ suite, passRate: after.passRate, baselinePassRate: after.baselinePassRate, commit: after.commit ?? null, revertedCommit: reverted, fixedTraces: fixed });
    }),

  refreshTraceFixture: (suite) =>
    guard(`refresh the trace fixtures of suite ${suite}`, async () => {
      const at = ctx.now();
      let refreshed: string[] = [];
      const changed = await changeObject(ctx.database.db, at, { kind: TRACE_SUITE, id: suite, schema: SuiteState }, (current) => {
        const regressed = regression(suite, current);
        if (!regressed.ok) return regressed;
        const s = regressed.value;
        if (!s.failingTraces.length) return fail('invalid_state', `the failing replay of suite ${suite} names no failing trace: there is no fixture to refresh`);
        refreshed = s.failingTraces;
        // The new output is the expected one from now on: the same commit replays at the baseline.
        return ok({ ...s, passRate: s.baselinePassRate, failingTraces: [], goodCommit: s.commit ?? null });
      });
      if (!changed.ok) return changed;
      const after = changed.value.after;
      await ctx.publish([replayed(suite, after, `fixtures refreshed: ${refreshed.join(', ')}`, at)]);
      return ok({ suite, passRate: after.passRate, baselinePassRate: after.baselinePassRate, commit: after.commit ?? null, refreshedTraces: refreshed });
    }),
});

/** The suite, when its last replay fell below the baseline; a refusal otherwise. */
function regression(suite: string, current: SuiteState | undefined) {
  if (!current) return fail('not_found', `no trace replay is known for suite ${suite}`);
  if (current.passRate >= current.baselinePassRate) {
    return fail('invalid_state', `suite ${suite} passes at its baseline (${pct(current.baselinePassRate)}): there is no regression to fix`);
  }
  return ok(current);
}

/** The suite's next replay, as CI reports it: the insight sees it pass. */
const replayed = (suite: string, s: SuiteState, detail: string, at: Date) =>
  simEvent('trace.replay', { suite, passRate: s.passRate, baselinePassRate: s.baselinePassRate, ...(s.commit ? { commit: s.commit } : {}), failingTraces: [], detail }, at);

type Health = { healthy: boolean; why: string };

/**
 * What a probe's answer depends on, as the platform is now: the provider its agent calls, or the
 * credential it uses. Undefined when it names neither (or one the platform does not know).
 */
async function dependencyHealth(ctx: SimContext, probe: ProbeState, at: Date): Promise<Health | undefined> {
  if (probe.provider) {
    const id = entityKey(probe.provider);
    const [row] = await ctx.database.db.select({ status: platformProviders.status }).from(platformProviders).where(eq(platformProviders.id, id));
    return row ? { healthy: row.status === 'connected', why: `provider ${id} is ${row.status}` } : undefined;
  }
  if (probe.credential) {
    const credential = await readObject(ctx.database.db, CREDENTIAL, probe.credential, z.object({ expiresAt: z.string() }));
    if (!credential) return undefined;
    const valid = Date.parse(credential.expiresAt) > at.getTime();
    return { healthy: valid, why: `credential ${probe.credential} ${valid ? 'valid until' : 'expired at'} ${credential.expiresAt}` };
  }
  return undefined;
}

/**
 * The research's functional check: the expected answer when what it depends on is healthy; the
 * last outcome again when nothing changed that it depends on (a prompt regression stays a
 * regression on a re-run), or a failure naming the dependency that is down.
 */
function runProbe(probe: ProbeState, health: Health | undefined): Pick<ProbeState, 'ok' | 'status' | 'output' | 'detail'> {
  if (health?.healthy) return { ok: true, status: 'ok', output: probe.expected ?? null, detail: health.why };
  if (!probe.ok || !health) return { ok: probe.ok, status: probe.status ?? null, output: probe.output ?? null, detail: probe.detail ?? null };
  return { ok: false, status: 'unhealthy', output: null, detail: `failed: ${health.why}` };
}

function probeRun(probe: string, s: ProbeState): ProbeRun {
  const status = s.ok ? 'ok' : ProbeStatus.exclude(['ok']).catch('degraded').parse(s.status);
  return { probe, ok: s.ok, status, layer: s.layer ?? null, input: s.input ?? null, expected: s.expected ?? null, output: s.output ?? null, detail: s.detail ?? null, ranAt: s.lastRunAt };
}

/** The run as the platform reports any run of the probe, with what the probe is, so the card keeps it. */
function probeEvent(run: ProbeRun, s: ProbeState) {
  const extra = { layer: run.layer, input: run.input, expected: run.expected, output: run.output, detail: run.detail, provider: s.provider, credential: s.credential, agent: s.agent };
  const given = Object.fromEntries(Object.entries(extra).filter(([, v]) => typeof v === 'string' && v !== ''));
  return { probe: run.probe, ok: run.ok, status: run.status, ...given };
}
