import { z } from 'zod';
import { Section } from './check.js';
import type { Overall, PlanStep } from './plan.js';
import type { CheckResult } from './runner.js';

/**
 * A finished Doctor run as stored in doctor_runs.report and read back (parsed, never trusted):
 * what each check found and the ordered plan. Cards and the plain-text copy are built from it.
 */
const Target = z.object({ kind: z.string(), id: z.string(), label: z.string().optional(), detail: z.string().optional() });
const Button = z.object({
  action: z.string(),
  label: z.string(),
  target: Target.optional(),
  style: z.enum(['primary', 'danger', 'default']).optional(),
  confirm: z.string().optional(),
});
const StoredStep = z.object({ kind: z.string(), text: z.string(), buttons: z.array(Button) });
const StoredResult = z.object({
  section: Section,
  name: z.string(),
  status: z.enum(['pass', 'partial', 'warning', 'fail', 'timeout']),
  summary: z.string().optional(),
  details: z.array(z.string()),
  actions: z.array(StoredStep),
  durationMs: z.number(),
});

export const DoctorReport = z.object({
  runId: z.number().int(),
  overall: z.enum(['CRITICAL', 'WARNING', 'HEALTHY']),
  counts: z.string(),
  results: z.array(StoredResult),
  plan: z.array(StoredStep),
  sections: z.array(Section),
  requestedBy: z.string(),
  startedAt: z.iso.datetime(),
  durationMs: z.number(),
});
export type DoctorReport = z.infer<typeof DoctorReport>;

// Kept in step with the runner's and the planner's own types: a stored report is one of them.
export type _ResultFits = CheckResult extends z.input<typeof StoredResult> ? true : never;
export type _StepFits = PlanStep extends z.input<typeof StoredStep> ? true : never;
export type _OverallFits = Overall extends DoctorReport['overall'] ? true : never;

export const STATUS_ICON: Record<CheckResult['status'], string> = {
  pass: '✅',
  partial: '🟡',
  warning: '⚠️',
  fail: '❌',
  timeout: '⏱️',
};

export const STATUS_WORD: Record<CheckResult['status'], string> = {
  pass: 'PASS',
  partial: 'PARTIAL',
  warning: 'WARNING',
  fail: 'FAIL',
  timeout: 'TIMEOUT',
};

/** The report's body, shared by the card and the plain-text copy so the two never disagree. */
export function reportLines(report: DoctorReport): string[] {
  const lines: string[] = [];
  for (const r of report.results) {
    // A summary that introduces its detail lines ends in a colon; inside parentheses it must not.
    const summary = r.summary?.replace(/:\s*$/, '');
    lines.push(`${STATUS_ICON[r.status]} ${r.name} — ${STATUS_WORD[r.status]}${summary ? ` (${summary})` : ''}`);
    for (const d of r.details) lines.push(`      ${d}`);
  }
  lines.push('', `OVERALL: ${report.overall} (${report.counts})`);
  if (report.plan.length > 0) {
    lines.push('', 'IMMEDIATE ACTIONS REQUIRED:');
    report.plan.forEach((step, i) => lines.push(`${i + 1}. ${step.text}`));
  }
  return lines;
}
