import { inArray } from 'drizzle-orm';
import { actorLabel, Actor } from '../actor.js';
import type { Db } from '../db/client.js';
import { approvals } from '../db/schema/actions.js';
import { ApprovalGist, type AuditContext } from './words.js';

const APPROVAL_TARGET = /^approval:(\d+)$/;

/** 'approval:7' → 7; any other target → undefined. */
export const approvalIdOf = (target: string): number | undefined => {
  const match = APPROVAL_TARGET.exec(target);
  return match ? Number(match[1]) : undefined;
};

/**
 * What the approvals named by these audit targets were about (routine, amount, limit), read in one
 * query when the rows are shown: the rows themselves say only `approval:7`, and composing the words
 * here keeps every writer unchanged. A row that does not parse (pruned, hand-edited) is left out,
 * and its sentence falls back to the bare target.
 */
export async function approvalContexts(db: Db, targets: string[]): Promise<Map<string, AuditContext>> {
  const ids = [...new Set(targets.flatMap((t) => approvalIdOf(t) ?? []))];
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: approvals.id, kind: approvals.kind, params: approvals.params, decidedBy: approvals.decidedBy })
    .from(approvals)
    .where(inArray(approvals.id, ids));
  const contexts = new Map<string, AuditContext>();
  for (const row of rows) {
    const gist = ApprovalGist.safeParse({ kind: row.kind, params: row.params });
    if (!gist.success) continue;
    const decidedBy = Actor.safeParse(row.decidedBy);
    contexts.set(`approval:${row.id}`, { approval: { ...gist.data, ...(decidedBy.success ? { decidedBy: actorLabel(decidedBy.data) } : {}) } });
  }
  return contexts;
}
