import { buildActionId } from '../chat/action-id.js';
import type { Card, CardAction } from '../chat/card.js';
import { reportLines, STATUS_ICON, STATUS_WORD, type DoctorReport } from './report.js';

export const DOCTOR_SUBJECT = 'doctor_run';
export const RERUN_ACTION = 'rerun_doctor';
export const COPY_ACTION = 'copy_doctor_report';

const SEVERITY = { CRITICAL: 'critical', WARNING: 'warning', HEALTHY: 'info' } as const;
/** Room for Re-run and Copy report in one row of buttons (Slack: 25, Discord: 5 per row). */
const MAX_FIX_BUTTONS = 20;

/**
 * The report as a card, in the seed's shape: one line per check with its details, the overall
 * status with counts, the numbered actions, then the buttons that do them, Re-run and Copy report.
 */
export function doctorCard(report: DoctorReport): Card {
  const subject = { kind: DOCTOR_SUBJECT, id: String(report.runId) };
  const fixes: CardAction[] = report.plan
    .flatMap((step) => step.buttons)
    .slice(0, MAX_FIX_BUTTONS)
    .map((b) => ({
      id: buildActionId({ action: b.action, subject, ...(b.target ? { target: { kind: b.target.kind, id: b.target.id } } : {}) }),
      label: b.label,
      style: b.style ?? 'default',
      ...(b.confirm ? { confirm: { title: `${b.label}?`, text: b.confirm, confirmLabel: b.label, denyLabel: 'Cancel' } } : {}),
    }));
  const scope = report.sections.length > 0 ? ` (${report.sections.join(', ')})` : '';
  return {
    title: `Doctor Report${scope}`,
    severity: SEVERITY[report.overall],
    state: 'info',
    text: reportLines(report).join('\n'),
    markdown: reportMarkdown(report),
    fields: [],
    entities: [],
    actions: [
      ...fixes,
      { id: buildActionId({ action: RERUN_ACTION, subject }), label: 'Re-run Doctor', style: 'default' },
      { id: buildActionId({ action: COPY_ACTION, subject }), label: 'Copy report', style: 'default' },
    ],
    context: `Run #${report.runId} · asked by ${report.requestedBy} · ${report.startedAt.slice(11, 19)} UTC · took ${(report.durationMs / 1000).toFixed(1)} s`,
  };
}

/**
 * The same report as standard Markdown, for platforms that show it as a document: each check a
 * list item with its details nested under it (the text form's indentation would be a code block
 * in Markdown), the overall status in bold, the actions numbered.
 */
export function reportMarkdown(report: DoctorReport): string {
  const lines: string[] = [];
  for (const r of report.results) {
    const summary = r.summary?.replace(/:\s*$/, '');
    lines.push(`- ${STATUS_ICON[r.status]} **${r.name}** — ${STATUS_WORD[r.status]}${summary ? ` (${summary})` : ''}`);
    for (const d of r.details) lines.push(`  - ${d.replace(/^\s*•\s*/, '')}`);
  }
  lines.push('', `**OVERALL: ${report.overall}** (${report.counts})`);
  if (report.plan.length > 0) {
    lines.push('', '**Immediate actions required**');
    report.plan.forEach((step, i) => lines.push(`${i + 1}. ${step.text}`));
  }
  return lines.join('\n');
}

/** Plain text for pasting into a ticket: no emoji-only meaning, no markup, one block. */
export function doctorPlainText(report: DoctorReport): string {
  const header = `Doctor Report #${report.runId} — ${report.startedAt.replace('T', ' ').slice(0, 19)} UTC, asked by ${report.requestedBy}`;
  const body = reportLines(report).map((line) => line.replace(/^(✅|🟡|⚠️|❌|⏱️) /u, ''));
  return [header, '', ...body].join('\n');
}
