import { desc } from 'drizzle-orm';
import { z } from 'zod';
import { Actor } from '../actor.js';
import type { Db } from '../db/client.js';
import { auditLog } from '../db/schema/actions.js';
import type { Q } from '../chat/outbox/model.js';

/** What happened, from a person's point of view: tried and refused, started, finished... */
/** 'escalated': a remediation policy stopped at its bound and handed the target to a person (src/remediation/escalate.ts). */
export const AuditOutcome = z.enum(['refused', 'started', 'succeeded', 'failed', 'duplicate', 'busy', 'requested', 'approved', 'denied', 'escalated']);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

export type AuditEntry = {
  actor: Actor;
  action: string;
  /** 'runtime:bash-runtime-mike', 'approval:7'. */
  target: string;
  outcome: AuditOutcome;
  detail?: string;
  sourceMessage?: unknown;
  durationMs?: number;
  requestId?: number;
  at?: Date;
};

const actorKeyOf = (actor: Actor): string => `${actor.platform}:${actor.userId}`;

/**
 * Append-only: this module has no update and no delete, and nothing else writes the table. Pass
 * the caller's transaction so an entry commits (or not) together with what it records.
 */
export async function recordAudit(q: Q, entry: AuditEntry): Promise<void> {
  await q.insert(auditLog).values({
    at: entry.at ?? new Date(),
    actor: entry.actor,
    actorKey: actorKeyOf(entry.actor),
    action: entry.action,
    target: entry.target,
    outcome: entry.outcome,
    detail: entry.detail ?? null,
    sourceMessage: entry.sourceMessage ?? null,
    durationMs: entry.durationMs === undefined ? null : Math.round(entry.durationMs),
    requestId: entry.requestId ?? null,
  });
}

/** An audit_log row as written, parsed when read back (docs/architecture.md, conventions §5). */
export const StoredAudit = z.object({
  id: z.number(),
  at: z.date(),
  actor: Actor,
  action: z.string(),
  target: z.string(),
  outcome: AuditOutcome,
  detail: z.string().nullable(),
  durationMs: z.number().nullable(),
  requestId: z.number().nullable(),
});
export type StoredAudit = z.infer<typeof StoredAudit>;

/** Newest first. Rows that do not parse are skipped, never shown half-read. */
export async function readAuditRows(db: Db, limit: number): Promise<StoredAudit[]> {
  const rows = await db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(limit);
  return rows.flatMap((row) => {
    const parsed = StoredAudit.safeParse(row);
    return parsed.success ? [parsed.data] : [];
  });
}

// The read side (rows in words, with the decisions kept elsewhere) lives in feed.ts.
export { latestAudit, type AuditRecord } from './feed.js';
