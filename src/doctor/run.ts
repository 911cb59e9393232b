import { actorLabel, type Actor } from '../actor.js';
import type { Db } from '../db/client.js';
import type { DoctorCheck, Section } from './check.js';
import { countsOf, overallOf, planOf } from './plan.js';
import type { DoctorReport } from './report.js';
import { runChecks } from './runner.js';
import { saveRun, type DoctorTrigger } from './store.js';

export type DoctorContext = {
  db: Db;
  checks: DoctorCheck[];
  timeoutMs: number;
  /** The catalog's recoveryRank for a failure kind: orders the action plan. */
  rankOf: (kind: string) => number | undefined;
  now?: () => number;
};

export type DoctorInput = {
  requestedBy: Actor;
  trigger: DoctorTrigger;
  /** Empty: every check. */
  sections: Section[];
};

/**
 * The Doctor use case behind `/doctor` everywhere (console, Slack, the schedule): run the checks
 * asked for in parallel, order the fixes, store the run, return the report.
 */
export async function runDoctor(ctx: DoctorContext, input: DoctorInput): Promise<DoctorReport> {
  const now = ctx.now ?? Date.now;
  const wanted = input.sections.length === 0 ? ctx.checks : ctx.checks.filter((c) => input.sections.includes(c.section));
  const startedAt = now();
  const results = await runChecks(wanted, { timeoutMs: ctx.timeoutMs, now });
  const finishedAt = now();
  const plan = planOf(results, ctx.rankOf);
  return saveRun(ctx.db, {
    requestedBy: { ...input.requestedBy },
    trigger: input.trigger,
    sections: input.sections,
    startedAt: new Date(startedAt),
    finishedAt: new Date(finishedAt),
    build: (runId) => ({
      runId,
      overall: overallOf(results),
      counts: countsOf(results),
      results,
      plan,
      sections: input.sections,
      requestedBy: actorLabel(input.requestedBy),
      startedAt: new Date(startedAt).toISOString(),
      durationMs: finishedAt - startedAt,
    }),
  });
}
