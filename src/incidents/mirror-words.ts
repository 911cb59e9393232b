import { actorLabel } from '../actor.js';
import { findRequest } from '../actions/request-store.js';
import { findApproval } from '../approvals/list.js';
import type { Approval } from '../approvals/model.js';
import { ApprovalGist, auditWords } from '../audit/words.js';
import type { Severity } from '../chat/card.js';
import type { Db } from '../db/client.js';
import type { DoctorReport } from '../doctor/report.js';

/** One entry in an incident's thread: what the header line says, the sentence, and its label. */
export type MirrorEntry = { title: string; text: string; severity: Severity };

const words = (s: string): string => s.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/**
 * A Doctor run as the thread shows it, labelled by what it found: a CRITICAL run reads
 * "🔴 CRITICAL", not "ℹ️ INFO" (the label is the card's severity, src/chat/status-words.ts).
 */
export function doctorMirror(report: Pick<DoctorReport, 'runId' | 'overall' | 'counts' | 'requestedBy'>): MirrorEntry {
  const severity: Severity = report.overall === 'CRITICAL' ? 'critical' : report.overall === 'WARNING' ? 'warning' : 'info';
  return { title: `🩺 Doctor run #${report.runId}: ${report.overall}`, text: `Asked by ${report.requestedBy}: ${report.counts}`, severity };
}

/** "Elena approved a +$5.00 budget override for routine daily-code-review (new limit $15.00)" */
export function approvalMirror(approval: Approval): MirrorEntry {
  const by = approval.decidedBy ?? approval.requestedBy;
  const decision = approval.status === 'denied' ? 'deny' : 'approve';
  const outcome = approval.status === 'pending' ? 'requested' : approval.status;
  const gist = ApprovalGist.safeParse({ kind: approval.kind, params: approval.params });
  const sentence = auditWords(
    { action: `${decision}_${approval.kind}`, target: `approval:${approval.id}`, outcome, detail: approval.outcome },
    gist.success ? { approval: gist.data } : {},
  );
  return { title: `Approval #${approval.id}: ${approval.status}`, text: `${actorLabel(by)} ${sentence}`, severity: approval.status === 'failed' ? 'warning' : 'info' };
}

/**
 * The words for what a mirror key names (`action:12`, `approval:3`), read back from its row so the
 * thread says what /audit says; undefined for keys this does not know (the caller's words stand).
 */
export async function wordedMirror(db: Db, key: string): Promise<MirrorEntry | undefined> {
  const match = /^(action|approval):(\d+)$/.exec(key);
  if (!match) return undefined;
  const id = Number(match[2]);
  if (match[1] === 'approval') {
    const approval = await findApproval(db, id);
    return approval ? approvalMirror(approval) : undefined;
  }
  const request = await findRequest(db, id);
  if (!request || request.status === 'running') return undefined;
  const sentence = auditWords({ action: request.action, target: `${request.targetKind}:${request.targetId}`, outcome: request.status, detail: request.outcome });
  const ok = request.status === 'succeeded';
  return { title: `${ok ? '✅' : '❌'} ${words(request.action)} ${request.targetId}`, text: `${actorLabel(request.actor)} ${sentence}`, severity: ok ? 'info' : 'warning' };
}
