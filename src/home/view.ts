import { createHash } from 'node:crypto';
import { actorLabel } from '../actor.js';
import { APPROVAL_ACTIONS, approvalCard, decisionLine } from '../approvals/card.js';
import type { Approval } from '../approvals/model.js';
import { buildActionId } from '../chat/action-id.js';
import type { CardAction, Severity } from '../chat/card.js';
import { DOCTOR_SUBJECT, RERUN_ACTION } from '../doctor/card.js';
import { STATUS_ICON, STATUS_WORD, type DoctorReport } from '../doctor/report.js';
import type { Incident } from '../incidents/model.js';
import type { Insight } from '../insights/insight.js';

/**
 * The Home overview as a neutral model: what is on fire, what waits for a decision, and how the
 * last health check went. Adapters render it (adapters/slack/home.ts, the console's Home view);
 * it holds no Slack types and no ages, only the instants they are measured from (`since`), so the
 * same state hashes the same a minute later and the leader does not republish a view whose only
 * change is "47 min" becoming "48 min" (src/home/service.ts).
 */
export type HomeItem = {
  title: string;
  text: string;
  severity: Severity;
  /** The instant an age is measured from ("open for 47 min"), rendered at publish time. */
  since?: Date;
  context?: string;
  actions: CardAction[];
};

export type HomeSectionKey = 'incidents' | 'insights' | 'approvals' | 'doctor';
export type HomeSection = { key: HomeSectionKey; title: string; empty: string; items: HomeItem[]; note?: string };
export type HomeView = { title: string; sections: HomeSection[] };

/** What the overview reads, once per refresh, shared by every viewer's view. */
export type Overview = { incidents: Incident[]; critical: Insight[]; approvals: Approval[]; doctor?: DoctorReport };

/** What personalises a view: may this person decide approvals, and if not, who may. */
export type HomeViewer = { canDecide: boolean; deciders: string[] };

const STATE_WORDS = { open: '🔴 open', mitigated: '🟡 mitigated', resolved: '✅ resolved' } as const;
const DOCTOR_SEVERITY = { CRITICAL: 'critical', WARNING: 'warning', HEALTHY: 'info' } as const;

function incidentItem(incident: Incident): HomeItem {
  return {
    title: `🚨 Incident #${incident.id}: ${incident.title}`,
    text: STATE_WORDS[incident.status],
    severity: incident.status === 'open' ? 'critical' : 'warning',
    since: incident.openedAt,
    context: incident.origin === 'declared' ? `declared by ${actorLabel(incident.openedBy)}` : 'opened by Triage (cascading failure)',
    actions: [],
  };
}

function insightItem(insight: Insight): HomeItem {
  return {
    title: insight.title,
    text: insight.detection.summary,
    severity: 'critical',
    since: insight.firstSeenAt,
    context: insight.status === 'acknowledged' ? `acknowledged by ${insight.acknowledgedBy ?? 'someone'}` : `seen ${insight.count} time${insight.count === 1 ? '' : 's'}`,
    actions: [],
  };
}

/** The approval card's own Approve and Deny, so a click from Home takes the same path and checks. */
function decisionButtons(approval: Approval): CardAction[] {
  const pair = APPROVAL_ACTIONS[approval.kind];
  const ids = new Set([pair.approve, pair.deny].map((action) => buildActionId({ action, subject: { kind: 'approval', id: String(approval.id) }, target: { kind: approval.targetKind, id: approval.targetId } })));
  return approvalCard(approval).actions.filter((a) => ids.has(a.id));
}

function approvalItem(approval: Approval, viewer: HomeViewer): HomeItem {
  const card = approvalCard(approval);
  return {
    title: card.title,
    text: card.fields.filter((f) => f.label !== 'Rationale' && f.label !== 'Scope').map((f) => `${f.label}: ${f.value}`).join(' · ') || card.text,
    severity: 'warning',
    since: approval.createdAt,
    context: decisionLine(approval),
    actions: viewer.canDecide ? decisionButtons(approval) : [],
  };
}

function doctorItem(report: DoctorReport): HomeItem {
  const failing = report.results.filter((r) => r.status !== 'pass').map((r) => `${STATUS_ICON[r.status]} ${r.name} ${STATUS_WORD[r.status]}`);
  return {
    title: `🩺 Doctor run #${report.runId}: ${report.overall}`,
    text: `${report.counts}${failing.length ? `: ${failing.slice(0, 8).join(' · ')}${failing.length > 8 ? ` · and ${failing.length - 8} more` : ''}` : ''}`,
    severity: DOCTOR_SEVERITY[report.overall],
    since: new Date(report.startedAt),
    context: `asked by ${report.requestedBy}`,
    actions: [{ id: buildActionId({ action: RERUN_ACTION, subject: { kind: DOCTOR_SUBJECT, id: String(report.runId) } }), label: 'Re-run Doctor', style: 'default' }],
  };
}

function whoDecides(viewer: HomeViewer, pending: number): string | undefined {
  if (viewer.canDecide || pending === 0) return undefined;
  const who = viewer.deciders.length ? viewer.deciders.slice(0, 6).join(', ') + (viewer.deciders.length > 6 ? ` and ${viewer.deciders.length - 6} more` : '') : 'nobody yet (an operator grants it with TRIAGE_APPROVERS)';
  return `Only approvers can decide these: ${who}.`;
}

/** One person's Home: the same overview, with Approve and Deny only for those who may press them. */
export function homeView(overview: Overview, viewer: HomeViewer): HomeView {
  const note = whoDecides(viewer, overview.approvals.length);
  return {
    title: 'Triage overview',
    sections: [
      { key: 'incidents', title: 'Open incidents', empty: 'No open incident.', items: overview.incidents.map(incidentItem) },
      { key: 'insights', title: 'Live critical insights', empty: 'Nothing critical right now.', items: overview.critical.map(insightItem) },
      { key: 'approvals', title: 'Pending approvals', empty: 'Nothing waits for a decision.', items: overview.approvals.map((a) => approvalItem(a, viewer)), ...(note ? { note } : {}) },
      { key: 'doctor', title: 'Last Doctor run', empty: 'Doctor has not run yet: type /doctor.', items: overview.doctor ? [doctorItem(overview.doctor)] : [] },
    ],
  };
}

/** What a viewer was shown, as a short stable string: equal views, equal hashes. */
export const viewHash = (view: HomeView): string => createHash('sha256').update(JSON.stringify(view)).digest('base64url').slice(0, 32);
