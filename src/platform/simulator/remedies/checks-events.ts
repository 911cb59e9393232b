import type { EventKinds } from '../apply-events.js';
import { patchObjects } from '../objects.js';

/** A probe: what it checks (its layer, its known-answer case, what it depends on) and its last run. */
export const PROBE = 'probe';
/** A trace-replay suite: its last replay, and the commit that last passed at the baseline. */
export const TRACE_SUITE = 'trace_suite';
/** A credential as the platform last described it: when it expires, who owns it. */
export const CREDENTIAL = 'credential';

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value : null);
const texts = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/**
 * Events folded into the objects the checks operations change (see ../apply-events.ts). None of
 * them merges: each event is a whole replay or run, applied in order, so a run that failed after
 * one that passed (or the reverse) in one batch leaves the later one.
 */
export const checksRemedyEvents: EventKinds = {
  'probe.result': {
    key: (a) => `${PROBE}:${a.probe}`,
    apply: (items) =>
      patchObjects(
        PROBE,
        items.map(({ a, at }) => {
          // What the probe is stays unless an event says otherwise; how this run ended is replaced.
          const definition = Object.fromEntries(
            (['layer', 'input', 'expected', 'provider', 'credential', 'agent'] as const).flatMap((k) => (text(a[k]) ? [[k, text(a[k])]] : [])),
          );
          const status = text(a.status) ?? (a.ok ? 'ok' : 'degraded');
          return { id: a.probe, patch: { ...definition, ok: a.ok, status, output: text(a.output), detail: text(a.detail), lastRunAt: at.toISOString() }, at };
        }),
      ),
  },
  'trace.replay': {
    key: (a) => `${TRACE_SUITE}:${a.suite}`,
    apply: (items) =>
      patchObjects(
        TRACE_SUITE,
        items.map(({ a, at }) => {
          const passing = a.passRate >= a.baselinePassRate;
          const commit = text(a.commit);
          return {
            id: a.suite,
            patch: {
              passRate: a.passRate,
              baselinePassRate: a.baselinePassRate,
              commit,
              failingTraces: texts(a.failingTraces),
              ...(passing && commit ? { goodCommit: commit } : {}),
            },
            at,
          };
        }),
      ),
  },
  'credential.expiry': {
    key: (a) => `${CREDENTIAL}:${a.credential}`,
    merge: (_prev, next) => next,
    apply: (items) => patchObjects(CREDENTIAL, items.map(({ a, at }) => ({ id: a.credential, patch: { expiresAt: a.expiresAt, owner: text(a.owner) }, at }))),
  },
};
