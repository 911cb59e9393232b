import { and, eq, isNull, lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { approvals } from '../db/schema/actions.js';
import { usd } from '../insights/catalog/helpers.js';
import type { Platform } from '../platform/port.js';
import type { Result } from '../result.js';
import { carryOut } from './decide.js';
import { parseApproval, type Approval } from './model.js';

/**
 * An approval is decided (one conditional update) and then executed; the row says which step it
 * reached: `approved` with no outcome means decided and not yet carried out. A replica that dies
 * in between leaves it so, and this sweep (a scheduled job, once across replicas) finishes it:
 * after `graceMs` (longer than any execution's deadline, so a slow one is not run twice).
 *
 * Never twice on the platform: a budget override is read back first (the routine's limit already
 * at the approved level means it happened before the crash, and only the outcome is recorded);
 * an approved recovery action is sent again under the approval's key only to a platform that
 * honours keys (it answers a repeat from its record); any other action whose effect cannot be read
 * back is failed with words saying so, never re-sent.
 */
export type ResumeDeps = {
  db: Db;
  platform: Pick<Platform, 'listRoutines' | 'listWorkstreams'> & {
    /** Whether the platform answers a repeat of a key from its record (src/platform/guarded.ts). */
    honoursKeys?: () => Promise<boolean>;
  };
  execute: (approval: Approval) => Promise<Result<string, string>>;
  now: () => number;
  graceMs?: number;
};

export type Resumed = { approval: Approval; how: 'executed' | 'found_done' | 'unknown' };

const GRACE_MS = 2 * 60_000;

export async function resumeInterrupted(deps: ResumeDeps): Promise<Resumed[]> {
  const before = new Date(deps.now() - (deps.graceMs ?? GRACE_MS));
  const rows = await deps.db
    .select()
    .from(approvals)
    .where(and(eq(approvals.status, 'approved'), isNull(approvals.outcome), lt(approvals.decidedAt, before)))
    .orderBy(approvals.id)
    .limit(20);
  const resumed: Resumed[] = [];
  for (const approval of rows.map(parseApproval)) resumed.push(await resumeOne(deps, approval));
  return resumed;
}

async function resumeOne(deps: ResumeDeps, approval: Approval): Promise<Resumed> {
  if (approval.kind === 'rollback_workstream') return resumeRollback(deps, approval);
  // Sent again under the approval's own key: a platform that honours keys answers a repeat of what
  // it already did from its record, so the action still happens once.
  if (approval.kind === 'recovery_action' && (await deps.platform.honoursKeys?.())) return { approval: await carryOut(deps, approval), how: 'executed' };
  if (approval.kind !== 'budget_override') {
    const outcome = `Triage restarted while this ran; whether the platform did it is not known. Check ${approval.targetKind} ${approval.targetId}, then ask again if needed`;
    return { approval: await record(deps.db, approval.id, { status: 'failed', outcome }), how: 'unknown' };
  }
  const routines = await deps.platform.listRoutines();
  // Unreadable now: leave it for the next sweep rather than guess.
  if (!routines.ok) return { approval, how: 'unknown' };
  const routine = routines.value.find((r) => r.id === approval.params.routineId);
  const approvedLimit = approval.params.limitUsd + approval.params.amountUsd;
  if (routine && routine.budgetLimitUsd >= approvedLimit - 0.005) {
    const outcome = `new limit ${usd(routine.budgetLimitUsd)} · routine ${routine.status === 'active' ? 'unpaused' : 'still paused'} (applied before Triage restarted)`;
    return { approval: await record(deps.db, approval.id, { outcome }), how: 'found_done' };
  }
  return { approval: await carryOut(deps, approval), how: 'executed' };
}

/** A workstream shows whether it was rolled back: done is recorded, not done is carried out once. */
async function resumeRollback(deps: ResumeDeps, approval: Extract<Approval, { kind: 'rollback_workstream' }>): Promise<Resumed> {
  const workstreams = await deps.platform.listWorkstreams();
  if (!workstreams.ok) return { approval, how: 'unknown' };
  const workstream = workstreams.value.find((w) => w.id === approval.params.workstreamId);
  if (workstream?.state === 'rolled_back') {
    return { approval: await record(deps.db, approval.id, { outcome: 'workstream rolled back to its last checkpoint (applied before Triage restarted)' }), how: 'found_done' };
  }
  return { approval: await carryOut(deps, approval), how: 'executed' };
}

async function record(db: Db, id: number, set: { status?: 'failed'; outcome: string }): Promise<Approval> {
  const [row] = await db
    .update(approvals)
    .set(set)
    .where(and(eq(approvals.id, id), isNull(approvals.outcome)))
    .returning();
  if (row) return parseApproval(row);
  const [current] = await db.select().from(approvals).where(eq(approvals.id, id));
  return parseApproval(current!);
}
