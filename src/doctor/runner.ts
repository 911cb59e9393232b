import type { CheckStatus, DoctorAction, DoctorCheck, Finding, Section } from './check.js';

/** One check's line in the report, as the runner saw it. */
export type CheckResult = {
  section: Section;
  name: string;
  status: CheckStatus;
  summary?: string;
  details: string[];
  actions: DoctorAction[];
  durationMs: number;
};

export type RunnerOptions = {
  timeoutMs: number;
  now?: () => number;
};

/**
 * Every check at once, each under its own deadline. A check that hangs is reported as TIMEOUT
 * when its time is up and its signal is aborted, so the report never waits on it; a check that
 * throws is a FAIL with the reason, because a broken check must not hide the others.
 */
export function runChecks(checks: DoctorCheck[], options: RunnerOptions): Promise<CheckResult[]> {
  const now = options.now ?? Date.now;
  return Promise.all(checks.map((check) => runOne(check, options.timeoutMs, now)));
}

async function runOne(check: DoctorCheck, timeoutMs: number, now: () => number): Promise<CheckResult> {
  const controller = new AbortController();
  const started = now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const base = { section: check.section, name: check.name };
  try {
    // A check may throw synchronously; wrapping keeps that inside this result.
    const work = Promise.resolve().then(() => check.run({ signal: controller.signal, now: new Date(started) }));
    // Late rejections of an abandoned check must not become unhandled.
    work.catch(() => {});
    const outcome = await Promise.race([work, deadline]);
    const durationMs = now() - started;
    if (outcome === 'timeout') {
      return { ...base, status: 'timeout', summary: `no answer within ${formatSeconds(timeoutMs)}`, details: [], actions: [], durationMs };
    }
    return { ...base, ...normalise(outcome), durationMs };
  } catch (error) {
    return { ...base, status: 'fail', summary: `the check itself failed: ${reasonOf(error)}`, details: [], actions: [], durationMs: now() - started };
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

function normalise(finding: Finding): Omit<CheckResult, 'section' | 'name' | 'durationMs'> {
  return {
    status: finding.status,
    ...(finding.summary ? { summary: finding.summary } : {}),
    details: finding.details,
    actions: finding.actions,
  };
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 200);

const formatSeconds = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`);
