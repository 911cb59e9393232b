import type { Actor } from '../actor.js';
import type { RemediationConfig, RemediationPolicy } from '../config-sections.js';

/**
 * Bounds like an Erlang supervisor's MaxRestarts in MaxTime (the self-healing research's
 * AgentSupervisor: at most 3 restarts in the window, then escalate instead of restarting): at
 * most `maxRuns` runs of one action on one target within the window, counted from the requests
 * on record (src/remediation/runs.ts).
 */
export type Bound = { maxRuns: number; windowMinutes: number; /** "policy restart-oom-runtimes", "the restart bound" */ by: string };

/** The actions the restart bound watches with or without a policy: each restarts something that died. */
export const RESTART_ACTIONS: ReadonlySet<string> = new Set(['restart_runtime', 'restart_worker', 'restart_mcp_server']);

export const restartBound = (config: RemediationConfig): Bound => ({ ...config.restartBound, by: 'the restart bound' });

/** A policy's own bound and, for a restart, the restart bound too: a policy cannot restart past it. */
export function boundsOf(policy: RemediationPolicy, config: RemediationConfig): Bound[] {
  const own: Bound = { maxRuns: policy.maxRuns, windowMinutes: policy.windowMinutes, by: `policy ${policy.name}` };
  return RESTART_ACTIONS.has(policy.action) ? [own, restartBound(config)] : [own];
}

const windowStart = (bound: Bound, now: number): number => now - bound.windowMinutes * 60_000;

/** How far back the longest of the bounds looks: the one read that serves them all. */
export const lookback = (bounds: readonly Bound[], now: number): Date => new Date(Math.min(...bounds.map((b) => windowStart(b, now))));

/** Runs (their start times) within a bound's window. */
export const runsWithin = (bound: Bound, startedAt: readonly Date[], now: number): number => startedAt.filter((at) => at.getTime() >= windowStart(bound, now)).length;

/** The bound that one more run would break (runs done already ≥ maxRuns), if any: then escalate instead. */
export const boundReached = (bounds: readonly Bound[], startedAt: readonly Date[], now: number): Bound | undefined =>
  bounds.find((bound) => runsWithin(bound, startedAt, now) >= bound.maxRuns);

/** The bound a run already made (runs, that one included, > maxRuns), if any: a loop to show. */
export const boundExceeded = (bounds: readonly Bound[], startedAt: readonly Date[], now: number): Bound | undefined =>
  bounds.find((bound) => runsWithin(bound, startedAt, now) > bound.maxRuns);

/** Triage acting under a policy: audited, shown and put in the minutes under the policy's name. */
export const policyActor = (policy: Pick<RemediationPolicy, 'name'>): Actor => ({ platform: 'system', userId: `policy:${policy.name}`, name: `Triage (policy ${policy.name})` });

/** Whether the insight shows every fact the policy's `when` asks for. */
export function factsMatch(when: RemediationPolicy['when'], facts: Record<string, string | number | boolean> | undefined): boolean {
  return Object.entries(when).every(([key, value]) => facts?.[key] === value);
}

export const minutes = (n: number): string => `${n} minute${n === 1 ? '' : 's'}`;
export const times = (n: number): string => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);
