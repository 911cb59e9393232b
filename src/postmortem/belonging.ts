/**
 * Which of the audit rows and approvals written while an incident was open are about it. The
 * window alone is not enough: two incidents can overlap, and people do unrelated work while one
 * is open, and the minutes must not list that as what was done for this incident.
 *
 * Pure: facts.ts reads the rows, this decides. A row belongs when it can be traced to one of the
 * incident's insights, to an entity those insights detected, to an approval that belongs, or to
 * the incident itself.
 */

export type IncidentScope = {
  incidentId: number;
  insightIds: ReadonlySet<number>;
  /**
   * `${kind}:${id}` of every entity the insights detected. Recovery buttons take their target
   * from these entities and audit it as `${targetKind}:${targetId}`, so the keys match audit
   * targets and approval targets as written.
   */
  entityKeys: ReadonlySet<string>;
};

export type ScopeInsight = { id: number; entities: ReadonlyArray<{ kind: string; id: string }> };
export type ApprovalRow = { insightId: number | null; targetKind: string; targetId: string };
export type AuditRow = { target: string; requestId: number | null };

/** What an audit row is traced through: action_requests.subject by request id, and the approvals that belong. */
export type AuditContext = { subjects: ReadonlyMap<number, string | null>; approvalIds: ReadonlySet<number> };

export function incidentScope(incidentId: number, insights: ReadonlyArray<ScopeInsight>): IncidentScope {
  return {
    incidentId,
    insightIds: new Set(insights.map((i) => i.id)),
    entityKeys: new Set(insights.flatMap((i) => i.entities.map((e) => `${e.kind}:${e.id}`))),
  };
}

export function approvalBelongs(scope: IncidentScope, approval: ApprovalRow): boolean {
  if (approval.insightId !== null && scope.insightIds.has(approval.insightId)) return true;
  return scope.entityKeys.has(`${approval.targetKind}:${approval.targetId}`);
}

export function auditBelongs(scope: IncidentScope, row: AuditRow, context: AuditContext): boolean {
  // The card the button was pressed on: an insight of the incident, or one of its approvals.
  const subject = row.requestId === null ? undefined : context.subjects.get(row.requestId);
  if (subject && refersTo(subject, 'insight', scope.insightIds)) return true;
  if (subject && refersTo(subject, 'approval', context.approvalIds)) return true;
  // Approval decisions are audited against the approval, everything else against its target.
  if (refersTo(row.target, 'approval', context.approvalIds)) return true;
  if (scope.entityKeys.has(row.target)) return true;
  return row.target === `incident:${scope.incidentId}`;
}

/** Whether `ref` is `${kind}:<n>` with n in `ids` ('insight:42', 'approval:7'). */
function refersTo(ref: string, kind: string, ids: ReadonlySet<number>): boolean {
  const prefix = `${kind}:`;
  if (!ref.startsWith(prefix)) return false;
  const rest = ref.slice(prefix.length);
  return /^\d+$/.test(rest) && ids.has(Number(rest));
}
