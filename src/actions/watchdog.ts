import type { Logger } from 'pino';
import { recordAudit } from '../audit/log.js';
import type { Db } from '../db/client.js';
import { findRecoveryAction } from './recovery/index.js';
import { readBack } from './read-back.js';
import { expireOverdue, noteOutcome } from './request-store.js';
import type { RecoveryRunner } from './run-recovery.js';

/**
 * No action stays "in progress" forever. A request past its deadline (its replica died after
 * claiming it, or mid-call; the platform never answered) is run once more with the same
 * Idempotency-Key when the platform honours keys; otherwise, or if that too runs out of time, it is
 * failed here, audited, read back, and its card says so with a Retry button that sends the same key.
 * Run by the scheduler, once across replicas.
 */
export async function sweepOverdueActions(deps: {
  db: Db;
  runner: Pick<RecoveryRunner, 'show'> & Partial<Pick<RecoveryRunner, 'resumeOverdue'>>;
  /** The target's state now, for the card: nobody knows whether the lost action happened. */
  platform?: Parameters<typeof readBack>[0] & { honoursKeys?(): Promise<boolean> };
  now: () => number;
  logger: Pick<Logger, 'warn'>;
}): Promise<number> {
  // A platform that honours keys answers a repeat from its record: the lost request is run once more.
  const resumable = Boolean(deps.runner.resumeOverdue && (await deps.platform?.honoursKeys?.().catch(() => false)));
  if (resumable) await deps.runner.resumeOverdue!();
  const expired = await expireOverdue(deps.db, new Date(deps.now()), { resumedOnly: resumable });
  for (const overdue of expired) {
    const state = deps.platform ? await readBack(deps.platform, { kind: overdue.targetKind, id: overdue.targetId }) : undefined;
    const request = state ? ((await noteOutcome(deps.db, overdue.id, `${overdue.outcome ?? 'deadline passed'}; ${state}`)) ?? overdue) : overdue;
    deps.logger.warn({ request: request.id, action: request.action, target: request.targetId }, 'action passed its deadline; marked failed');
    await recordAudit(deps.db, {
      actor: request.actor,
      action: request.action,
      target: `${request.targetKind}:${request.targetId}`,
      outcome: 'failed',
      detail: request.outcome ?? 'deadline passed',
      durationMs: deps.now() - request.createdAt.getTime(),
      requestId: request.id,
    });
    const action = findRecoveryAction(request.action);
    if (action) await deps.runner.show(request, action);
  }
  return expired.length;
}
